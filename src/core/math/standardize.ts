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
    const variance = m2[j] / Math.max(1, rows.length);
    scale[j] = nearConstant(variance, mean[j], rows.length) || !Number.isFinite(variance) ? 1 : Math.sqrt(variance);
  }
  return { mean, scale };
}

/**
 * Whether a column's variance is indistinguishable from 0 given the rounding error of computing it (Chan, Golub
 * & LeVeque's bound for the two-pass algorithm, as scikit-learn's StandardScaler tests it): such a column is
 * scaled by 1, not by the square root of rounding noise.
 */
export function nearConstant(variance: number, mean: number, n: number): boolean {
  const eps = 2 ** -52;
  return variance <= n * eps * variance + (n * mean * eps) ** 2;
}

export function identityStandardization(cols: number): Standardization {
  return { mean: new Float64Array(cols), scale: new Float64Array(cols).fill(1) };
}

/** Gathers the given rows into a new [rows.length, D] matrix, z-scored. */
export function standardizeRows(
  x: Float32Array,
  cols: number,
  rows: ArrayLike<number>,
  s: Standardization,
): Float32Array {
  const out = new Float32Array(rows.length * cols);
  for (let r = 0; r < rows.length; r++) {
    const src = rows[r] * cols;
    const dst = r * cols;
    for (let j = 0; j < cols; j++) out[dst + j] = (x[src + j] - s.mean[j]) / s.scale[j];
  }
  return out;
}
