// One error type for every malformed input, carrying where the problem is so the UI can say it plainly.

export interface DataFileErrorWhere {
  /** Tensor or dictionary key inside a container file. */
  key?: string;
  /** Byte offset in the file where the problem was found. */
  offset?: number;
  /** Row (0-based) for row-oriented files (CSV, JSONL) or values (NaN positions). */
  row?: number;
}

export class DataFileError extends Error {
  readonly file: string;
  readonly where: DataFileErrorWhere;
  readonly problem: string;

  constructor(file: string, problem: string, where: DataFileErrorWhere = {}) {
    super(`${file}: ${problem}${describeWhere(where)}`);
    this.name = 'DataFileError';
    this.file = file;
    this.problem = problem;
    this.where = where;
  }
}

function describeWhere({ key, offset, row }: DataFileErrorWhere): string {
  const parts: string[] = [];
  if (key !== undefined) parts.push(`key '${key}'`);
  if (row !== undefined) parts.push(`row ${row}`);
  if (offset !== undefined) parts.push(`byte offset ${offset}`);
  return parts.length ? ` (at ${parts.join(', ')})` : '';
}
