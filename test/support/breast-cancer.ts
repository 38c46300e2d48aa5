// breast_cancer standardized with the train rows' statistics, as reference.json's scikit-learn results were.
import { bytesSource } from '../../src/core/formats/byte-source';
import { openNpz } from '../../src/core/formats/npz';
import { encodeLabels } from '../../src/core/labels/encode-labels';
import { fitStandardization, standardizeRows } from '../../src/core/math/standardize';
import { fixtureBytes, referenceJson } from './fixtures';

export interface BreastCancer {
  raw: Float32Array;
  /** All 569 rows z-scored with train statistics. */
  z: Float32Array;
  labels: Int32Array;
  d: number;
  rows: number;
  train: Int32Array;
  test: Int32Array;
}

export async function loadBreastCancer(): Promise<BreastCancer> {
  const entries = await openNpz(bytesSource('breast_cancer.npz', fixtureBytes('breast_cancer.npz')));
  const X = entries.find((e) => e.key === 'X')!;
  const y = entries.find((e) => e.key === 'y')!;
  const raw = await X.readF32();
  const [rows, d] = X.shape;
  const ref = referenceJson().breast_cancer;
  const train = Int32Array.from(ref.train_idx as number[]);
  const test = Int32Array.from(ref.test_idx as number[]);
  const all = Int32Array.from({ length: rows }, (_, i) => i);
  const z = standardizeRows(raw, d, all, fitStandardization(raw, d, train));
  return { raw, z, labels: encodeLabels(await y.readF32()).codes, d, rows, train, test };
}
