// PCA from centred second moments (host f64 eigen-decomposition, deterministic signs): components, explained variance
// (ddof = 1, as scikit-learn's PCA reports it) and the explained-variance ratio over ALL components.

import { symmetricEigen } from '../math/linalg';
import type { CovarianceStats } from '../detect/covariance-stats';

export interface PcaModel {
  d: number;
  mean: Float64Array;
  /** Top components as rows [k×d], unit norm, largest-magnitude entry positive. */
  components: Float64Array;
  k: number;
  /** Variance along each kept component (ddof = 1). */
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
  /** √(λ (n − 1)): singular values of the centred data matrix, as scikit-learn's singular_values_. */
  singularValues: Float64Array;
}

export function fitPca(stats: CovarianceStats, k = Math.min(stats.d, 50)): PcaModel {
  const { d, n } = stats;
  if (!(k >= 1 && k <= d)) throw new Error(`invalid number of components: ${k} (1..${d})`);
  const cov = Float64Array.from(stats.scatter, (v) => v / Math.max(1, n - 1));
  const { values, vectors } = symmetricEigen(cov, d);
  // The eigensolver can return −1e-17 for a true zero eigenvalue; variance is never negative.
  const lambda = Float64Array.from(values, (v) => Math.max(0, v));
  let total = 0;
  for (const l of lambda) total += l;
  const components = new Float64Array(k * d);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) components[c * d + j] = vectors[j * d + c];
  const explainedVariance = lambda.slice(0, k);
  return {
    d,
    mean: stats.mean,
    components,
    k,
    explainedVariance,
    explainedVarianceRatio: Float64Array.from(explainedVariance, (l) => (total > 0 ? l / total : 0)),
    singularValues: Float64Array.from(explainedVariance, (l) => Math.sqrt(l * (n - 1))),
  };
}

/** Coordinates of the given rows on two chosen components (0-based), for a scatter plot. */
export function projectRows(
  pca: PcaModel,
  x: Float32Array,
  rows: ArrayLike<number>,
  a = 0,
  b = 1,
): { xs: Float64Array; ys: Float64Array } {
  const { d, mean, components, k } = pca;
  if (a >= k || b >= k) throw new Error(`component ${Math.max(a, b)} not kept (k = ${k})`);
  const xs = new Float64Array(rows.length);
  const ys = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * d;
    let sa = 0,
      sb = 0;
    for (let j = 0; j < d; j++) {
      const c = x[o + j] - mean[j];
      sa += c * components[a * d + j];
      sb += c * components[b * d + j];
    }
    xs[r] = sa;
    ys[r] = sb;
  }
  return { xs, ys };
}
