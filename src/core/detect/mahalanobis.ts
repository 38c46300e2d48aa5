// Mahalanobis anomaly detector: mean and covariance of trusted rows, score = (x − μ)ᵀ pinv(Σ)(x − μ), the squared
// distance exactly as scikit-learn's EmpiricalCovariance/LedoitWolf.mahalanobis. Not divided by d (cupbearer
// divides; per-layer scores are standardized before combining anyway, see combine-layers.ts).

import { pinvSymmetric } from '../math/linalg';
import type { CovarianceStats } from './covariance-stats';
import { covarianceOf } from './covariance-stats';
import { ledoitWolfShrinkage, shrinkToScaledIdentity } from '../stats/covariance-shrinkage';

export type CovarianceEstimator = 'empirical' | 'ledoit-wolf';

export interface MahalanobisModel {
  estimator: CovarianceEstimator;
  d: number;
  mean: Float64Array;
  /** pinv of the (shrunk) covariance, d×d row-major f64. */
  precision: Float64Array;
  /** Ledoit-Wolf shrinkage in [0, 1]; 0 for the empirical estimator. */
  shrinkage: number;
  trustedRows: number;
}

/**
 * scikit-learn's pinvh cutoff (1.2): eigenvalues below max|λ|·d·eps_f64 are dropped, so a singular trusted
 * covariance (N < d) gives a pseudo-inverse instead of an error.
 */
const PINV_RCOND_PER_DIM = Number.EPSILON;

export function fitMahalanobis(stats: CovarianceStats, estimator: CovarianceEstimator): MahalanobisModel {
  const { d } = stats;
  const empirical = covarianceOf(stats, 0);
  const shrinkage =
    estimator === 'ledoit-wolf'
      ? ledoitWolfShrinkage({ n: stats.n, d, cov: empirical, sumNormFourth: stats.sumNormFourth })
      : 0;
  const cov = shrinkage > 0 ? shrinkToScaledIdentity(empirical, d, shrinkage) : empirical;
  const precision = pinvSymmetric(cov, d, PINV_RCOND_PER_DIM * d);
  return { estimator, d, mean: stats.mean, precision, shrinkage, trustedRows: stats.n };
}

/** Squared Mahalanobis distance of each given row (all rows when `rows` is absent), in f64 on the host. */
export function mahalanobisScores(model: MahalanobisModel, x: Float32Array, rows?: ArrayLike<number>): Float64Array {
  return rowQuadraticFormHost(x, model.d, model.mean, model.precision, rows);
}

/** q_k = (x_k − μ)ᵀ M (x_k − μ) for the given rows (all when absent), in f64: Engine.rowQuadraticForm's host form. */
export function rowQuadraticFormHost(
  x: Float32Array,
  d: number,
  mean: Float64Array,
  m: Float64Array,
  rows?: ArrayLike<number>,
): Float64Array {
  const n = rows ? rows.length : x.length / d;
  const out = new Float64Array(n);
  const c = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = (rows ? rows[r] : r) * d;
    for (let j = 0; j < d; j++) c[j] = x[o + j] - mean[j];
    let q = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      const base = i * d;
      for (let j = 0; j < d; j++) s += m[base + j] * c[j];
      q += c[i] * s;
    }
    out[r] = q;
  }
  return out;
}
