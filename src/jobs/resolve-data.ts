// How a job turns the protocol's references into rows: the one split resolver every method uses (random, an
// explicit split file, or whole groups of a metadata column), and the pairing of activations with labels.

import { encodeNamedLabels } from '../core/labels/encode-labels';
import { DataFileError } from '../core/formats/errors';
import { groupSplit } from '../core/split/group-split';
import { makeSplit, type Split } from '../core/split/split';
import type { LabelledDataRefs, SplitRef } from '../protocol';
import type { DatasetStore, Matrix } from './dataset-store';

export interface LabelledData {
  x: Matrix;
  codes: Int32Array;
  classes: string[];
  split: Split;
}

/** The train/test rows of `rows` rows; `codes` stratify a random split that asks for it. */
export async function resolveSplit(
  store: DatasetStore,
  ref: SplitRef,
  rows: number,
  codes?: Int32Array,
): Promise<Split> {
  if (ref.kind === 'file') return makeSplit({ kind: 'explicit', ...store.split(ref.fileId) }, rows);
  if (ref.kind === 'group') {
    const g = await store.labels(ref.column);
    const file = store.fileName(ref.column.fileId);
    if (g.values.length !== rows)
      throw new DataFileError(file, `group column has ${g.values.length} rows; the activations have ${rows}`, {
        key: ref.column.key || undefined,
      });
    return groupSplit(g.values, ref.testFraction, ref.seed, `${file}:${ref.column.key}`);
  }
  return makeSplit(ref, rows, codes);
}

/** Resolves activations, labels and split for a supervised method; checks that they pair. */
export async function resolveLabelledData(store: DatasetStore, refs: LabelledDataRefs): Promise<LabelledData> {
  const x = await store.matrix(refs.activations);
  const labelValues = await store.labels(refs.labels);
  if (labelValues.values.length !== x.rows) {
    throw new DataFileError(
      store.fileName(refs.labels.fileId),
      `labels have ${labelValues.values.length} rows but the activations (${store.fileName(refs.activations.fileId)}) have ${x.rows}; they cannot be paired`,
      { key: refs.labels.key || undefined },
    );
  }
  const { codes, classes } = encodeNamedLabels(labelValues.values as ArrayLike<number> | string[], refs.classNames);
  return { x, codes, classes, split: await resolveSplit(store, refs.split, x.rows, codes) };
}
