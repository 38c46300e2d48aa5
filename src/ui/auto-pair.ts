// Pairs loaded files into a selection. Files dropped together are one batch, and a batch with activations becomes
// the selection: its first [N, D] tensor (else a 3-D tensor read as layers or tokens) is the activations, a 1-D
// array (tensor or table column) of the same N the labels (label-like names first, then files named like the
// activations), its class-name file the class names and a table of N rows the row metadata. Row-aligned sources
// pair only by row count; nothing is taken from a background set (the demo) or another dataset's class names.
// A batch without activations attaches its pieces to the current selection where their row counts agree.

import { guess3d, resolveView } from '../core/views/tensor-view';
import { LABEL_NAME } from '../core/labels/label-names';
import type { ArrayRef, FileId, FileSummary } from '../protocol';

/** Row metadata: a table with one row per activation row, or matched to them through an id column. */
export interface RowMeta {
  fileId: FileId;
  /** A column holding each table row's activation row index (for tables whose rows are not in the same order). */
  idColumn?: string;
}

export interface Selection {
  activations: ArrayRef | null;
  labels: ArrayRef | null;
  classNamesFile: FileId | null;
  rowMeta: RowMeta | null;
  splitFile: FileId | null;
}

export const EMPTY_SELECTION: Selection = {
  activations: null,
  labels: null,
  classNamesFile: null,
  rowMeta: null,
  splitFile: null,
};

const LABEL_IN_FILE_NAME = /(^|[^a-z])(y|labels?|targets?|class(es)?|lang)([^a-z]|$)/i;

const stem = (name: string) => name.replace(/\.[^.]+$/, '').toLowerCase();

/** Characters two file names share from the start ("acts_640.npy" / "acts_640_labels.npy": 8). */
function sharedPrefix(a: string, b: string): number {
  const x = stem(a);
  const y = stem(b);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
}

/** The activations a set of files offers: the first [N, D] tensor, else a 3-D tensor with a layer/token guess. */
export function findActivations(files: FileSummary[], labelRows: Set<number>): ArrayRef | null {
  for (const f of files) {
    const t = f.tensors.find((t) => t.shape.length === 2 && t.shape[1] > 1);
    if (t) return { fileId: f.fileId, key: t.key };
  }
  for (const f of files) {
    const t = f.tensors.find((t) => t.shape.length === 3);
    if (t) return { fileId: f.fileId, key: t.key, ...guess3d(t.shape, t.key, labelRows) };
  }
  return null;
}

/** The best labels of `rows` rows among `files`: label-like names first, then names like the activations' file. */
export function findLabels(files: FileSummary[], rows: number, activationsFile?: string): ArrayRef | null {
  const candidates: { ref: ArrayRef; score: number }[] = [];
  const affinity = (name: string) => (activationsFile ? Math.min(sharedPrefix(name, activationsFile), 20) / 100 : 0);
  for (const f of files) {
    for (const t of f.tensors) {
      const oneD = t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1);
      // A bare array's name is its file's: "acts_labels.npy" says what it holds as clearly as a key would.
      const labelLike = LABEL_NAME.test(t.key) || (!t.key && LABEL_IN_FILE_NAME.test(stem(f.name)));
      if (oneD && t.shape[0] === rows)
        candidates.push({ ref: { fileId: f.fileId, key: t.key }, score: (labelLike ? 2 : 1) + affinity(f.name) });
    }
    for (const c of f.columns) {
      if (c.rows === rows)
        candidates.push({
          ref: { fileId: f.fileId, key: c.name },
          score: (LABEL_NAME.test(c.name) ? 1.5 : 0.5) + affinity(f.name),
        });
    }
  }
  candidates.sort((a, b) => b.score - a.score);
  return candidates[0]?.ref ?? null;
}

/** Rows of a table file (its columns all have the table's row count), or undefined when it is not a table. */
export function tableRows(f: FileSummary): number | undefined {
  return f.columns[0]?.rows;
}

/** Whether a split file fits `rows` rows (its index lists cannot cover more rows than there are). */
export function splitFits(f: FileSummary, rows: number): boolean {
  return !!f.split && f.split.train + f.split.test <= rows;
}

/**
 * The selection after a batch of files has loaded. `background`: files that never become part of another
 * dataset's selection (the demo); `weak`: the batch is the background itself, chosen only when nothing is.
 */
export function pairBatch(
  files: FileSummary[],
  batch: ReadonlySet<FileId>,
  current: Selection,
  opts: { weak?: boolean; background?: ReadonlySet<FileId> } = {},
): Selection {
  const inBatch = files.filter((f) => batch.has(f.fileId));
  const usable = files.filter((f) => batch.has(f.fileId) || !opts.background?.has(f.fileId));
  const labelRows = new Set(
    usable.flatMap((f) => [
      ...f.tensors.filter((t) => t.shape.length === 1).map((t) => t.shape[0]),
      ...f.columns.map((c) => c.rows),
    ]),
  );
  const acts = findActivations(inBatch, labelRows);
  if (acts && (!opts.weak || !current.activations)) {
    const rows = rowsOf(files, acts);
    const actsName = files.find((f) => f.fileId === acts.fileId)?.name;
    const others = usable.filter((f) => !batch.has(f.fileId));
    const labels =
      rows === undefined ? null : (findLabels(inBatch, rows, actsName) ?? findLabels(others, rows, actsName));
    const labelsFile = labels && files.find((f) => f.fileId === labels.fileId);
    // Class names come with the data: from this batch, or from the batch the labels came with.
    const classes =
      inBatch.find((f) => f.classNames) ??
      (labelsFile && !batch.has(labelsFile.fileId)
        ? others.find((f) => f.classNames && sharedPrefix(f.name, labelsFile.name) >= 3)
        : undefined);
    const table =
      rows === undefined
        ? undefined
        : (inBatch.find((f) => tableRows(f) === rows) ?? others.find((f) => tableRows(f) === rows));
    const split = rows === undefined ? undefined : inBatch.find((f) => splitFits(f, rows));
    return {
      activations: acts,
      labels: labels && alignLabels(labels, acts),
      classNamesFile: classes?.fileId ?? null,
      rowMeta: table ? { fileId: table.fileId } : null,
      splitFile: split?.fileId ?? null,
    };
  }
  if (opts.weak) return current;
  // No activations in the batch: its pieces join the current selection where their rows agree.
  const next = { ...current };
  const rows = current.activations ? rowsOf(files, current.activations) : undefined;
  if (rows !== undefined) {
    const actsName = files.find((f) => f.fileId === current.activations!.fileId)?.name;
    const labels = findLabels(inBatch, rows, actsName);
    if (labels) next.labels = alignLabels(labels, current.activations);
    const table = inBatch.find((f) => tableRows(f) === rows);
    if (table) next.rowMeta = { fileId: table.fileId };
    const split = inBatch.find((f) => splitFits(f, rows));
    if (split) next.splitFile = split.fileId;
  }
  const classes = inBatch.find((f) => f.classNames);
  if (classes) next.classNamesFile = classes.fileId;
  return next;
}

/** The N the labels must have for these activations (a layer's N for [L, N, D], N for [N, T, D]). */
export function rowsOf(files: FileSummary[], ref: ArrayRef): number | undefined {
  const f = files.find((f) => f.fileId === ref.fileId);
  const t = f?.tensors.find((t) => t.key === ref.key);
  if (t && (ref.layer !== undefined || ref.token !== undefined)) {
    const v = resolveView(t.shape, { layer: ref.layer, token: ref.token });
    return v.ok ? v.labelRows : undefined;
  }
  return t?.shape[0] ?? f?.columns.find((c) => c.name === ref.key)?.rows;
}

/**
 * The labels ref aligned to the activations when their rows differ from the file's (flattened tokens repeat
 * each label; dropped non-finite rows drop it), and plain otherwise.
 */
export function alignLabels(labels: ArrayRef, activations: ArrayRef | null): ArrayRef {
  const { alignTo: _, ...plain } = labels;
  if (!activations || (activations.token !== 'flatten' && !activations.dropNonFinite)) return plain;
  const { alignTo: __, ...acts } = activations;
  return { ...plain, alignTo: acts };
}
