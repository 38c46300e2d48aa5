// Second-moment statistics of a set of rows, the input every closed-form method here needs (Mahalanobis,
// Ledoit-Wolf, LEACE, PCA): mean, centred scatter XcᵀXc, and Σ‖xc‖⁴ (what Ledoit-Wolf's β needs).
// Host version in f64; the engine computes the same on the GPU (Engine.centredGram).

export interface CovarianceStats {
  /** Number of rows the statistics cover. */
  n: number;
  d: number;
  mean: Float64Array;
  /** Σ_k (x_k − μ)(x_k − μ)ᵀ, row-major d×d (not divided by n). */
  scatter: Float64Array;
  /** Σ_k ‖x_k − μ‖⁴: the sum of all entries of (Xc²)ᵀ(Xc²), so Ledoit-Wolf never forms that d×d matrix. */
  sumNormFourth: number;
}

/** Column means of the given rows of an [N, d] f32 matrix, accumulated in f64. */
export function columnMeans(x: Float32Array, d: number, rows: ArrayLike<number>): Float64Array {
  const mean = new Float64Array(d);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * d;
    for (let j = 0; j < d; j++) mean[j] += x[o + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= Math.max(1, rows.length);
  return mean;
}

/** Statistics of the given rows, in f64 (two passes: mean first, so centring loses nothing to cancellation). */
export function covarianceStatsHost(x: Float32Array, d: number, rows: ArrayLike<number>): CovarianceStats {
  const n = rows.length;
  if (n < 2) throw new Error(`need at least 2 rows to estimate a covariance; got ${n}`);
  const mean = columnMeans(x, d, rows);
  return { n, d, mean, ...centredGramHost(x, d, rows, mean) };
}

/** Σ_k (x_k − μ)(x_k − μ)ᵀ and Σ_k ‖x_k − μ‖⁴ about a given μ, in f64: Engine.centredGram's host form. */
export function centredGramHost(
  x: Float32Array,
  d: number,
  rows: ArrayLike<number>,
  mean: Float64Array,
): { scatter: Float64Array; sumNormFourth: number } {
  const n = rows.length;
  const scatter = new Float64Array(d * d);
  const c = new Float64Array(d);
  let sumNormFourth = 0;
  for (let r = 0; r < n; r++) {
    const o = rows[r] * d;
    let norm2 = 0;
    for (let j = 0; j < d; j++) {
      c[j] = x[o + j] - mean[j];
      norm2 += c[j] * c[j];
    }
    sumNormFourth += norm2 * norm2;
    for (let i = 0; i < d; i++) {
      const ci = c[i];
      if (ci === 0) continue;
      const base = i * d;
      for (let j = i; j < d; j++) scatter[base + j] += ci * c[j];
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) scatter[i * d + j] = scatter[j * d + i];
  assertFinite(scatter, 'covariance');
  return { scatter, sumNormFourth };
}

/** Covariance Σ = scatter / (n − ddof). */
export function covarianceOf(stats: CovarianceStats, ddof = 0): Float64Array {
  const denom = Math.max(1, stats.n - ddof);
  return Float64Array.from(stats.scatter, (v) => v / denom);
}

export function assertFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${what} has a non-finite value (${values[i]}) at index ${i}`);
  }
}
