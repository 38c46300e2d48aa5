// Covariance shrinkage toward μ·I with μ = tr(S)/d: fixed (S_α = (1 − α)S + α μ I, scikit-learn's
// shrunk_covariance) or Ledoit-Wolf's estimated α (scikit-learn's ledoit_wolf_shrinkage, assume_centered).
// Shrinkage keeps the covariance invertible when rows are few next to the dimension.

import { gram } from './class-statistics';

/** Ledoit-Wolf α for rows already centred, [n, d] f64; the empirical covariance is XᵀX / n. */
export function ledoitWolfShrinkage(centred: Float64Array, n: number, d: number): number {
  if (n < 2) return 1;
  const s = gram(centred, n, d);
  for (let i = 0; i < s.length; i++) s[i] /= n;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += s[i * d + i];
  const mu = trace / d;
  let frob2 = 0;
  for (let i = 0; i < s.length; i++) frob2 += s[i] * s[i];
  // Σ_i ‖x_i‖⁴ / n: the fourth-moment term of the estimator's variance of S.
  let fourth = 0;
  for (let r = 0; r < n; r++) {
    let norm2 = 0;
    for (let j = 0; j < d; j++) norm2 += centred[r * d + j] ** 2;
    fourth += norm2 * norm2;
  }
  fourth /= n;
  const beta = (fourth - frob2) / (d * n);
  // δ = ‖S − μI‖²_F / d.
  const delta = (frob2 - 2 * mu * trace + d * mu * mu) / d;
  if (delta <= 0) return 0;
  return Math.min(Math.max(beta, 0), delta) / delta;
}

/** (1 − α) S + α tr(S)/d · I, in place on a copy. */
export function shrink(cov: Float64Array, d: number, alpha: number): Float64Array {
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`invalid shrinkage ${alpha}: must be in [0, 1]`);
  let trace = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i];
  const out = Float64Array.from(cov, (v) => (1 - alpha) * v);
  for (let i = 0; i < d; i++) out[i * d + i] += (alpha * trace) / d;
  return out;
}
