// Quantiles of sorted values by linear interpolation between order statistics (numpy's default 'linear' method,
// Hyndman & Fan's type 7): the bootstrap intervals, the probe-range detector and the dataset panel all use it.

/**
 * The q-quantile of `sorted` (ascending), q in [0, 1]: position q·(n − 1), interpolated between its neighbours.
 * NaN for no values, as numpy warns and returns nan.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new Error(`invalid quantile ${q}: must be in [0, 1]`);
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}
