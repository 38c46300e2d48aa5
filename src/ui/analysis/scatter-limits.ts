// Axis limits of a scatter that one outlier cannot squash: each axis spans its central quantiles (padded a
// little), and points beyond are drawn at the edge and marked rather than hidden or allowed to set the scale.
import { quantile } from '../../core/stats/quantile';

export interface ScatterLimits {
  x: [number, number];
  y: [number, number];
  /** Points outside the limits on either axis (drawn at the edge, marked). */
  clipped: number;
}

/** One axis: the [q, 1 − q] quantiles padded by 5% of their span; the full range when that would be empty. */
export function robustRange(values: ArrayLike<number>, q = 0.01): [number, number] {
  const sorted = Float64Array.from(values).filter(Number.isFinite).sort();
  if (sorted.length === 0) return [-1, 1];
  let lo = quantile(sorted, q);
  let hi = quantile(sorted, 1 - q);
  if (!(hi > lo)) {
    lo = sorted[0];
    hi = sorted[sorted.length - 1];
  }
  if (!(hi > lo)) return [lo - 1, hi + 1];
  const pad = 0.05 * (hi - lo);
  return [Math.max(sorted[0], lo - pad), Math.min(sorted[sorted.length - 1], hi + pad)];
}

export function scatterLimits(xs: ArrayLike<number>, ys: ArrayLike<number>, q = 0.01): ScatterLimits {
  const x = robustRange(xs, q);
  const y = robustRange(ys, q);
  let clipped = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] < x[0] || xs[i] > x[1] || ys[i] < y[0] || ys[i] > y[1]) clipped++;
  return { x, y, clipped };
}
