// Pairs dropped files automatically: the first [N, D] tensor (else a 3-D tensor read as layers or tokens) is
// the activations, a 1-D array (tensor or table column) of the same N the labels, preferring label-like key
// names, plus any split or class-name file. The user can override every choice; existing choices are never replaced.

import { guess3d, resolveView } from '../core/views/tensor-view';
import type { ArrayRef, FileId, FileSummary } from '../protocol';

export interface Pairing {
  activations: ArrayRef | null;
  labels: ArrayRef | null;
  classNamesFile: FileId | null;
  splitFile: FileId | null;
}

const LABEL_NAME = /^(y|labels?|targets?|class(es)?|lang)$/i;
const LABEL_IN_FILE_NAME = /(^|[^a-z])(y|labels?|targets?|class(es)?|lang)([^a-z]|$)/i;

export function autoPair(files: FileSummary[], current: Pairing): Pairing {
  const next = { ...current };
  if (!next.activations) {
    for (const f of files) {
      const t = f.tensors.find((t) => t.shape.length === 2 && t.shape[1] > 1);
      if (t) {
        next.activations = { fileId: f.fileId, key: t.key };
        break;
      }
    }
  }
  if (!next.activations) {
    const labelRows = new Set(
      files.flatMap((f) => [
        ...f.tensors.filter((t) => t.shape.length === 1).map((t) => t.shape[0]),
        ...f.columns.map((c) => c.rows),
      ]),
    );
    for (const f of files) {
      const t = f.tensors.find((t) => t.shape.length === 3);
      if (t) {
        next.activations = { fileId: f.fileId, key: t.key, ...guess3d(t.shape, t.key, labelRows) };
        break;
      }
    }
  }
  const rows = next.activations ? rowsOf(files, next.activations) : undefined;
  if (!next.labels && rows !== undefined) {
    const candidates: { ref: ArrayRef; score: number }[] = [];
    for (const f of files) {
      for (const t of f.tensors) {
        const oneD = t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1);
        // A bare array's name is its file's: "acts_labels.npy" says what it holds as clearly as a key would.
        const name = t.key || f.name.replace(/\.[^.]+$/, '');
        const labelLike = LABEL_NAME.test(t.key) || (!t.key && LABEL_IN_FILE_NAME.test(name));
        if (oneD && t.shape[0] === rows)
          candidates.push({ ref: { fileId: f.fileId, key: t.key }, score: labelLike ? 2 : 1 });
      }
      for (const c of f.columns) {
        if (c.rows === rows)
          candidates.push({ ref: { fileId: f.fileId, key: c.name }, score: LABEL_NAME.test(c.name) ? 1.5 : 0.5 });
      }
    }
    candidates.sort((a, b) => b.score - a.score);
    next.labels = candidates[0] && next.activations ? alignLabels(candidates[0].ref, next.activations) : null;
  }
  next.classNamesFile ??= files.find((f) => f.classNames)?.fileId ?? null;
  next.splitFile ??= files.find((f) => f.split)?.fileId ?? null;
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
