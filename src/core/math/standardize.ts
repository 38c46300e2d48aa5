// Column z-scoring with statistics from the training rows only (no test leakage), matching scikit-learn's
// StandardScaler: population std (ddof = 0), and a constant column divided by 1 instead of 0.

export interface Standardization {
  mean: Float64Array;
  scale: Float64Array;
}

/** Mean and population std of the given rows of an [N, D] row-major matrix, accumulated in f64. */
export function fitStandardization(x: Float32Array, cols: number, rows: ArrayLike<number>): Standardization {
  const mean = new Float64Array(cols);
  const m2 = new Float64Array(cols);
  // Welford per column: one pass, stable when the mean is large relative to the spread.
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * cols;
    const k = r + 1;
    for (let j = 0; j < cols; j++) {
      const v = x[base + j];
      const d = v - mean[j];
      mean[j] += d / k;
      m2[j] += d * (v - mean[j]);
    }
  }
  const scale = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const sd = Math.sqrt(m2[j] / Math.max(1, rows.length));
    scale[j] = sd > 0 && Number.isFinite(sd) ? sd : 1;
  }
  return { mean, scale };
}

export function identityStandardization(cols: number): Standardization {
  return { mean: new Float64Array(cols), scale: new Float64Array(cols).fill(1) };
}

/** Gathers the given rows into a new [rows.length, D] matrix, z-scored. */
export function standardizeRows(
  x: Float32Array, cols: number, rows: ArrayLike<number>, s: Standardization,
): Float32Array {
  const out = new Float32Array(rows.length * cols);
  for (let r = 0; r < rows.length; r++) {
    const src = rows[r] * cols;
    const dst = r * cols;
    for (let j = 0; j < cols; j++) out[dst + j] = (x[src + j] - s.mean[j]) / s.scale[j];
  }
  return out;
}
