// Seeded stratified k-fold over a set of rows (normally the training rows): each class's rows are shuffled and
// dealt round-robin into the folds, so every fold keeps the class proportions (±1 row), as scikit-learn's
// StratifiedKFold aims to. Used for cross-validating C without touching the held-out rows.

import { createRng, shuffleInPlace } from '../math/rng';

export interface Fold {
  /** Rows to fit on. */
  fit: Int32Array;
  /** Rows to validate on. */
  validation: Int32Array;
}

export function stratifiedKFold(rows: Int32Array, labels: Int32Array, k: number, seed: number): Fold[] {
  if (!(Number.isInteger(k) && k >= 2)) throw new Error(`invalid fold count k = ${k}: need an integer ≥ 2`);
  if (rows.length < k) throw new Error(`cannot make ${k} folds from ${rows.length} rows`);
  const random = createRng(seed);
  const byClass = new Map<number, number[]>();
  for (const r of rows) {
    const l = labels[r];
    if (!byClass.has(l)) byClass.set(l, []);
    byClass.get(l)!.push(r);
  }
  const assigned: number[][] = Array.from({ length: k }, () => []);
  // Dealing continues across classes from where the last class stopped, so fold sizes differ by at most one.
  let next = 0;
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const group = byClass.get(label)!;
    shuffleInPlace(group, random);
    for (const r of group) {
      assigned[next].push(r);
      next = (next + 1) % k;
    }
  }
  return assigned.map((validation, f) => ({
    fit: Int32Array.from(assigned.flatMap((rowsOf, g) => (g === f ? [] : rowsOf))).sort(),
    validation: Int32Array.from(validation).sort(),
  }));
}
