// Pairs dropped files automatically: the first [N, D] tensor is the activations, a 1-D array (tensor or
// table column) of the same N the labels, plus any split or class-name file. The user can override
// every choice; existing choices are never replaced.

import type { ArrayRef, FileId, FileSummary } from '../protocol';

export interface Pairing {
  activations: ArrayRef | null;
  labels: ArrayRef | null;
  classNamesFile: FileId | null;
  splitFile: FileId | null;
}

const LABEL_NAME = /^(y|labels?|targets?|class(es)?|lang)$/i;

export function autoPair(files: FileSummary[], current: Pairing): Pairing {
  const next = { ...current };
  if (!next.activations) {
    for (const f of files) {
      const t = f.tensors.find((t) => t.shape.length === 2 && t.shape[1] > 1);
      if (t) { next.activations = { fileId: f.fileId, key: t.key }; break; }
    }
  }
  const rows = next.activations ? rowsOf(files, next.activations) : undefined;
  if (!next.labels && rows !== undefined) {
    const candidates: { ref: ArrayRef; score: number }[] = [];
    for (const f of files) {
      for (const t of f.tensors) {
        const oneD = t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1);
        if (oneD && t.shape[0] === rows) candidates.push({ ref: { fileId: f.fileId, key: t.key }, score: LABEL_NAME.test(t.key) ? 2 : 1 });
      }
      for (const c of f.columns) {
        if (c.rows === rows) candidates.push({ ref: { fileId: f.fileId, key: c.name }, score: LABEL_NAME.test(c.name) ? 1.5 : 0.5 });
      }
    }
    candidates.sort((a, b) => b.score - a.score);
    next.labels = candidates[0]?.ref ?? null;
  }
  next.classNamesFile ??= files.find((f) => f.classNames)?.fileId ?? null;
  next.splitFile ??= files.find((f) => f.split)?.fileId ?? null;
  return next;
}

export function rowsOf(files: FileSummary[], ref: ArrayRef): number | undefined {
  const f = files.find((f) => f.fileId === ref.fileId);
  return f?.tensors.find((t) => t.key === ref.key)?.shape[0] ?? f?.columns.find((c) => c.name === ref.key)?.rows;
}
