// Cross-covariance Σ_xz = (1/n) Σ (x − μ)(z − z̄)ᵀ between activations and a concept coded as indicator
// columns: one column (z = 1 for the positive class) when binary, one-hot over K classes otherwise.

export function conceptColumns(classes: number): number {
  if (!(classes >= 2)) throw new Error(`a concept needs at least two classes; got ${classes}`);
  return classes === 2 ? 1 : classes;
}

/** Σ_xz [d×k] row-major, k = conceptColumns(classes); `mean` is the mean of x over the same rows. */
export function crossCovariance(
  x: Float32Array,
  d: number,
  rows: ArrayLike<number>,
  codes: ArrayLike<number>,
  classes: number,
  mean: Float64Array,
): Float64Array {
  const k = conceptColumns(classes);
  const n = rows.length;
  const zMean = new Float64Array(k);
  const z = (code: number, c: number) => (k === 1 ? (code === 1 ? 1 : 0) : code === c ? 1 : 0);
  for (let r = 0; r < n; r++) for (let c = 0; c < k; c++) zMean[c] += z(codes[rows[r]], c) / n;
  const out = new Float64Array(d * k);
  for (let r = 0; r < n; r++) {
    const o = rows[r] * d;
    const code = codes[rows[r]];
    for (let c = 0; c < k; c++) {
      const zc = z(code, c) - zMean[c];
      if (zc === 0) continue;
      for (let j = 0; j < d; j++) out[j * k + c] += (x[o + j] - mean[j]) * zc;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] /= n;
  return out;
}
