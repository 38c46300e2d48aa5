// Transfer matrix: train on each set, evaluate on each (trusted vs untrusted files, or layer × layer), and
// the generalization gap between where a probe was trained and where it is used. The one walker of the matrix:
// which rows each cell is scored on, and the own-set / other-set summary.

import type { Split } from '../split/split';

export interface TransferMatrix {
  names: string[];
  /** values[i][j]: metric of the probe trained on set i, evaluated on set j; null where undefined. */
  values: (number | null)[][];
}

/**
 * Fits one model per set, then evaluates it on every set. `evaluate(model, i, j)` is told both indices so the
 * caller can score the diagonal on held-out rows of the training set rather than on the rows it was fitted on.
 */
export async function transferMatrix<M>(
  names: string[],
  fit: (i: number) => Promise<M>,
  evaluate: (model: M, trainedOn: number, evaluatedOn: number) => Promise<number | null>,
  cancelled?: () => boolean,
): Promise<TransferMatrix | null> {
  const values: (number | null)[][] = [];
  for (let i = 0; i < names.length; i++) {
    if (cancelled?.()) return null;
    const model = await fit(i);
    const row: (number | null)[] = [];
    for (let j = 0; j < names.length; j++) row.push(await evaluate(model, i, j));
    values.push(row);
  }
  return { names, values };
}

/** In-distribution metric minus out-of-distribution metric (positive = worse where it is used); null if either is. */
export function generalizationGap(trained: number | null, evaluated: number | null): number | null {
  return trained === null || evaluated === null ? null : trained - evaluated;
}

/**
 * Rows of set j that the probe trained on set i is scored on: on the diagonal the set's own held-out rows (its
 * training rows would flatter it), elsewhere every row, none of which the probe has seen.
 */
export function transferRows(trainedOn: number, evaluatedOn: number, split: Split, rows: number): Int32Array {
  return trainedOn === evaluatedOn ? split.test : Int32Array.from({ length: rows }, (_, r) => r);
}

/** Mean of the diagonal (each set's own held-out rows) and of the other cells; undefined cells left out. */
export function transferSummary(m: TransferMatrix): { own: number | null; other: number | null } {
  const own: number[] = [];
  const other: number[] = [];
  m.values.forEach((row, i) =>
    row.forEach((v, j) => {
      if (v !== null) (i === j ? own : other).push(v);
    }),
  );
  const mean = (a: number[]) => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : null);
  return { own: mean(own), other: mean(other) };
}
