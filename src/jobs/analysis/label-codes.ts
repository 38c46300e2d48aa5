// Label codes for the analyses (detector probe labels, erasure concept): a label array of the right length,
// encoded to 0..K−1 with optional class names for numeric labels.

import { encodeNamedLabels } from '../../core/labels/encode-labels';
import { DataFileError } from '../../core/formats/errors';
import type { ArrayRef } from '../../protocol';
import type { DatasetStore } from '../dataset-store';

export async function labelCodes(
  store: DatasetStore,
  ref: ArrayRef,
  rows: number,
  against: string,
  classNames?: string[],
): Promise<{ codes: Int32Array; classes: string[] }> {
  const values = await store.labels(ref);
  if (values.values.length !== rows) {
    throw new DataFileError(
      store.fileName(ref.fileId),
      `labels have ${values.values.length} rows but ${against} has ${rows}; they cannot be paired`,
      { key: ref.key || undefined },
    );
  }
  return encodeNamedLabels(values.values as ArrayLike<number> | string[], classNames);
}
