// One error type for every malformed input, carrying where the problem is so the UI can say it plainly.
// Messages are clipped: a hostile file can put megabytes into a key or a header, and none of it is echoed back.

export interface DataFileErrorWhere {
  /** Tensor or dictionary key inside a container file. */
  key?: string;
  /** Byte offset in the file where the problem was found. */
  offset?: number;
  /** Row (0-based) for row-oriented files (CSV, JSONL) or values (NaN positions). */
  row?: number;
}

/** Longest problem text kept; longer ones (quoting a forged header, say) are cut in the middle. */
export const MAX_PROBLEM_CHARS = 400;
const MAX_KEY_CHARS = 120;
const MAX_FILE_CHARS = 200;

export class DataFileError extends Error {
  readonly file: string;
  readonly where: DataFileErrorWhere;
  readonly problem: string;

  constructor(file: string, problem: string, where: DataFileErrorWhere = {}) {
    const clipped = { ...where, ...(where.key !== undefined ? { key: clip(where.key, MAX_KEY_CHARS) } : {}) };
    const text = clip(problem, MAX_PROBLEM_CHARS);
    // The file name is kept whole in `file` (callers compare it); only the message shortens it.
    super(`${clip(file, MAX_FILE_CHARS)}: ${text}${describeWhere(clipped)}`);
    this.name = 'DataFileError';
    this.file = file;
    this.problem = text;
    this.where = clipped;
  }
}

/** `s` cut to at most `max` characters, keeping its start and end around an ellipsis. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const head = Math.ceil((max - 1) * 0.7);
  return `${s.slice(0, head)}…${s.slice(s.length - (max - 1 - head))}`;
}

function describeWhere({ key, offset, row }: DataFileErrorWhere): string {
  const parts: string[] = [];
  if (key !== undefined) parts.push(`key '${key}'`);
  if (row !== undefined) parts.push(`row ${row}`);
  if (offset !== undefined) parts.push(`byte offset ${offset}`);
  return parts.length ? ` (at ${parts.join(', ')})` : '';
}
