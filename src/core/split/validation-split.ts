// Carves seeded, stratified validation rows out of the training rows: choices such as the best layer or the
// best C are made on these, never on the held-out test rows.

import { createRng, shuffleInPlace } from '../math/rng';

export function carveValidation(
  train: Int32Array,
  labels: Int32Array,
  fraction: number,
  seed: number,
): { fit: Int32Array; validation: Int32Array } {
  if (!(fraction > 0 && fraction < 1))
    throw new Error(`invalid validation fraction ${fraction}: must be strictly between 0 and 1`);
  const random = createRng(seed);
  const byClass = new Map<number, number[]>();
  for (const r of train) {
    if (!byClass.has(labels[r])) byClass.set(labels[r], []);
    byClass.get(labels[r])!.push(r);
  }
  const fit: number[] = [];
  const validation: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const group = byClass.get(label)!;
    shuffleInPlace(group, random);
    const n = Math.round(group.length * fraction);
    validation.push(...group.slice(0, n));
    fit.push(...group.slice(n));
  }
  if (fit.length === 0 || validation.length === 0) {
    throw new Error(`a validation fraction of ${fraction} of ${train.length} training rows leaves one side empty`);
  }
  return { fit: Int32Array.from(fit).sort(), validation: Int32Array.from(validation).sort() };
}
