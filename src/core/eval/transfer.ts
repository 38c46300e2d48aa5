// Transfer matrix: train on each set, evaluate on each (trusted vs untrusted files, or layer × layer), and
// the generalization gap between where a probe was trained and where it is used.

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
