// scikit-learn's Ledoit-Wolf shrinkage (sklearn.covariance.ledoit_wolf_shrinkage, 1.2), written on the
// centred statistics: Σ_s = (1 − s)·S + s·(tr S / d)·I with S the ddof = 0 covariance.
// sklearn's β_ = Σ (X²)ᵀ(X²) equals Σ_k ‖x_k‖⁴, and δ_ = ‖S‖²_F, so no N-sized pass is needed here.

import type { CovarianceStats } from './covariance-stats';
import { covarianceOf } from './covariance-stats';

export function ledoitWolfShrinkage(stats: CovarianceStats): number {
  const { n, d } = stats;
  if (d === 1) return 0; // scikit-learn returns 0 for a single feature
  const s = covarianceOf(stats, 0);
  let trace = 0;
  let frob2 = 0;
  for (let i = 0; i < d; i++) trace += s[i * d + i];
  for (let i = 0; i < d * d; i++) frob2 += s[i] * s[i];
  const mu = trace / d;
  const delta_ = frob2;
  const beta = (stats.sumNormFourth / n - delta_) / (d * n);
  // ‖S − μI‖²_F / d, in the same expanded form as scikit-learn.
  const delta = (delta_ - 2 * mu * trace + d * mu * mu) / d;
  const b = Math.min(beta, delta);
  return b === 0 ? 0 : b / delta;
}

/** (1 − s)·S + s·(tr S / d)·I for a d×d covariance S. */
export function shrinkToScaledIdentity(cov: Float64Array, d: number, shrinkage: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i];
  const out = Float64Array.from(cov, (v) => (1 - shrinkage) * v);
  for (let i = 0; i < d; i++) out[i * d + i] += (shrinkage * trace) / d;
  return out;
}
