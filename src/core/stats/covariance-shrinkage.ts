// Covariance shrinkage toward a scaled identity, S_α = (1 − α)·S + α·(tr S / d)·I (scikit-learn's
// shrunk_covariance), with α fixed, estimated by Ledoit-Wolf (sklearn.covariance.ledoit_wolf_shrinkage, 1.2), or by
// concept-erasure's optimal linear shrinkage. Every detector, probe and eraser that shrinks a covariance uses this
// module. Shrinkage keeps a covariance invertible when rows are few next to the dimension. f64 throughout.

import { nearConstant } from '../math/standardize';

/** The second moments Ledoit-Wolf needs, about the rows' own mean. */
export interface SecondMoments {
  /** Rows the moments cover. */
  n: number;
  d: number;
  /** S = Σ_k (x_k − μ)(x_k − μ)ᵀ / n (ddof = 0), d×d row-major. */
  cov: Float64Array;
  /** Σ_k ‖x_k − μ‖⁴: scikit-learn's β_ = Σ (X²)ᵀ(X²), so no N-sized pass is needed here. */
  sumNormFourth: number;
}

/**
 * Ledoit-Wolf's α in [0, 1], in scikit-learn's expanded form. Edge cases, each as scikit-learn returns them: one
 * feature gives 0 (every α yields the same 1×1 matrix); one row or identical rows give 0 (S = 0); S already a
 * multiple of I gives 0 (δ = 0: nothing to shrink toward). β < 0 can only come from rounding (β ≥ 0 by
 * Cauchy-Schwarz), so it is clamped to 0 where scikit-learn would return a tiny negative α.
 */
export function ledoitWolfShrinkage(m: SecondMoments): number {
  const { n, d, cov } = m;
  if (d === 1 || n < 2) return 0;
  let trace = 0;
  let frob2 = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i];
  for (let i = 0; i < d * d; i++) frob2 += cov[i] * cov[i];
  const mu = trace / d;
  const beta = (m.sumNormFourth / n - frob2) / (d * n);
  // δ = ‖S − μI‖²_F / d.
  const delta = (frob2 - 2 * mu * trace + d * mu * mu) / d;
  if (!(delta > 0)) return 0;
  const alpha = Math.min(Math.max(beta, 0), delta) / delta;
  if (!Number.isFinite(alpha)) throw new Error(`Ledoit-Wolf shrinkage is not finite (β = ${beta}, δ = ${delta})`);
  return alpha;
}

/** The second moments of rows already centred on their mean, [n, d] f64. */
export function centredMoments(centred: Float64Array, n: number, d: number): SecondMoments {
  const cov = new Float64Array(d * d);
  let sumNormFourth = 0;
  for (let r = 0; r < n; r++) {
    const o = r * d;
    let norm2 = 0;
    for (let i = 0; i < d; i++) {
      const v = centred[o + i];
      norm2 += v * v;
      if (v === 0) continue;
      for (let j = i; j < d; j++) cov[i * d + j] += v * centred[o + j];
    }
    sumNormFourth += norm2 * norm2;
  }
  const denom = Math.max(1, n);
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      cov[i * d + j] /= denom;
      cov[j * d + i] = cov[i * d + j];
    }
  return { n, d, cov, sumNormFourth };
}

/** (1 − α)·S + α·(tr S / d)·I for a d×d covariance S, on a copy. */
export function shrinkToScaledIdentity(cov: Float64Array, d: number, alpha: number): Float64Array {
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`invalid shrinkage ${alpha}: must be in [0, 1]`);
  let trace = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i];
  const out = Float64Array.from(cov, (v) => (1 - alpha) * v);
  for (let i = 0; i < d; i++) out[i * d + i] += (alpha * trace) / d;
  return out;
}

/**
 * scikit-learn's _cov(X, shrinkage='auto') as LinearDiscriminantAnalysis uses it: the rows are z-scored
 * (StandardScaler: a near-constant column is divided by 1), Ledoit-Wolf shrinks their correlation-like covariance,
 * and the result is scaled back, so α does not depend on the units of each feature. `centred` holds rows centred on
 * their mean; `mean` is that mean (for the near-constant test, as StandardScaler makes it).
 */
export function scaleFreeLedoitWolf(
  centred: Float64Array,
  n: number,
  d: number,
  mean: ArrayLike<number>,
): { alpha: number; cov: Float64Array } {
  const raw = centredMoments(centred, n, d).cov;
  const sd = Float64Array.from({ length: d }, (_, j) =>
    nearConstant(raw[j * d + j], mean[j], n) ? 1 : Math.sqrt(raw[j * d + j]),
  );
  const z = Float64Array.from(centred, (v, i) => v / sd[i % d]);
  const moments = centredMoments(z, n, d);
  const alpha = ledoitWolfShrinkage(moments);
  const cov = shrinkToScaledIdentity(moments.cov, d, alpha);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j] *= sd[i] * sd[j];
  return { alpha, cov };
}

/**
 * concept-erasure's optimal_linear_shrinkage (Chen et al. / Bai-Silverstein style, distribution-free), returned as
 * the weight on the target, so that shrinkToScaledIdentity applies it: 1 − α_ref = (tr S)² / (n (‖S‖²_F − (tr S)²/d)).
 * Clipped to [0, 1]; the reference does not clip, but a coefficient outside it is never a better estimate.
 */
export function optimalLinearShrinkage(cov: Float64Array, d: number, n: number): number {
  let trace = 0;
  let frob2 = 0;
  for (let i = 0; i < d; i++) trace += cov[i * d + i];
  for (let i = 0; i < d * d; i++) frob2 += cov[i] * cov[i];
  const bottom = n * (frob2 - (trace * trace) / d);
  if (!(bottom > 0)) return 1; // S already a multiple of I (or zero): the target is exact
  return Math.min(1, Math.max(0, (trace * trace) / bottom));
}
