// The two simpler erasures LEACE is compared against. Both are orthogonal projections, so they remove the
// named directions but leave linear information that lives along correlated directions.

import { conceptColumns } from './cross-covariance';
import { projectionEraser, type LinearEraser } from './linear-eraser';
import type { CovarianceStats } from '../detect/covariance-stats';

/**
 * Mean-difference ablation: project out the span of the class-mean differences (for two classes the single
 * direction μ₁ − μ₀; for K classes the columns of Σ_xz, which span the same space). concept-erasure's
 * method="orth" is this eraser.
 */
export function meanDifferenceEraser(stats: CovarianceStats, sigmaXZ: Float64Array, classes: number): LinearEraser {
  return projectionEraser('mean-difference', stats.mean, sigmaXZ, stats.d, conceptColumns(classes));
}

/**
 * Probe-direction projection: project out the normal(s) of a linear probe's decision boundary in raw
 * activation space. A probe trained on z-scored features with weights w has raw-space normal w_j / scale_j.
 */
export function probeDirectionEraser(
  mean: Float64Array,
  weights: Float64Array,
  outputs: number,
  scale: Float64Array,
): LinearEraser {
  const d = mean.length;
  const raw = new Float64Array(d * outputs);
  for (let j = 0; j < d; j++)
    for (let o = 0; o < outputs; o++) raw[j * outputs + o] = weights[j * outputs + o] / scale[j];
  return projectionEraser('probe-direction', mean, raw, d, outputs);
}
