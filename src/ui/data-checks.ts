// What the Data panel checks before anything is paired or run: labels, row metadata and splits must have the
// activations' row count (or, for metadata, an id column), and each mismatch is a sentence the panel shows in place.
// Pure functions of the file summaries and the choices, so they are tested without a worker.
import type { ArrayRef, FileSummary } from '../protocol';
import { rowsOf, splitFits, tableRows, type RowMeta } from './auto-pair';
import type { SplitChoice } from './split-choice';

const nameOf = (files: FileSummary[], ref: ArrayRef) =>
  `${files.find((f) => f.fileId === ref.fileId)?.name ?? ref.fileId}${ref.key ? ` › ${ref.key}` : ''}`;

/** A row-count mismatch between labels and activations, or null when they pair (or either is not chosen). */
export function labelsProblem(
  files: FileSummary[],
  activations: ArrayRef | null,
  labels: ArrayRef | null,
): string | null {
  if (!activations || !labels) return null;
  const n = rowsOf(files, activations);
  const m = rowsOf(files, { ...labels, layer: undefined, token: undefined });
  if (n === undefined || m === undefined || m === n) return null;
  return `The labels (${nameOf(files, labels)}) have ${m} rows but the activations have ${n}: they cannot be paired. Choose labels with ${n} rows.`;
}

export interface RowMetaStatus {
  file: FileSummary;
  rows: number;
  /** Its rows are the activations' rows (same count, or matched through an id column). */
  attached: boolean;
  message: string | null;
}

export function rowMetaStatus(files: FileSummary[], meta: RowMeta | null, rows: number | null): RowMetaStatus | null {
  const file = meta && files.find((f) => f.fileId === meta.fileId);
  if (!meta || !file) return null;
  const n = tableRows(file) ?? 0;
  if (rows === null || n === rows || meta.idColumn) return { file, rows: n, attached: rows !== null, message: null };
  return {
    file,
    rows: n,
    attached: false,
    message: `${file.name} has ${n} rows but the activations have ${rows}: its texts are not attached. Match its rows through an id column holding each row's activation index, or choose another table.`,
  };
}

/** The text column of attached row metadata (a column named like text first), as a ref for the jobs; null when none. */
export function rowTextRef(
  status: RowMetaStatus | null,
  meta: RowMeta | null,
  activations: ArrayRef | null,
): ArrayRef | null {
  if (!status?.attached || !activations || !meta) return null;
  const f = status.file;
  const c =
    f.columns.find((c) => !c.numeric && /^(text|prompt|sentence|document)$/i.test(c.name)) ??
    f.columns.find((c) => !c.numeric && c.name !== meta.idColumn);
  if (!c) return null;
  const { alignTo: _, ...acts } = activations;
  return meta.idColumn
    ? { fileId: f.fileId, key: c.name, rowIds: meta.idColumn, alignTo: acts }
    : { fileId: f.fileId, key: c.name };
}

/** Why a split does not fit `rows` activation rows (a split file or group column of another dataset), or null. */
export function splitProblem(files: FileSummary[], split: SplitChoice, rows: number | null): string | null {
  if (rows === null) return null;
  if (split.kind === 'file') {
    const f = files.find((f) => f.fileId === split.fileId);
    if (f?.split && !splitFits(f, rows))
      return `${f.name} lists ${f.split.train + f.split.test} rows but the activations have ${rows}: choose another split.`;
  }
  if (split.kind === 'group') {
    const n = rowsOf(files, split.column);
    if (n !== undefined && n !== rows)
      return `the group column has ${n} rows but the activations have ${rows}: choose another column or split.`;
  }
  return null;
}

export interface GroupColumn {
  ref: ArrayRef;
  label: string;
  rows: number;
}

/** Metadata columns (and 1-D tensors) a group split can use: anything with one value per row. */
export function groupColumns(files: FileSummary[]): GroupColumn[] {
  return files.flatMap((f) => [
    ...f.columns.map((c) => ({
      ref: { fileId: f.fileId, key: c.name },
      label: `${f.name} › ${c.name} [${c.rows}]`,
      rows: c.rows,
    })),
    ...f.tensors
      .filter((t) => t.shape.length === 1)
      .map((t) => ({
        ref: { fileId: f.fileId, key: t.key },
        label: `${f.name}${t.key ? ` › ${t.key}` : ''} [${t.shape[0]}]`,
        rows: t.shape[0],
      })),
  ]);
}
