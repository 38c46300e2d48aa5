import { expect, test } from 'vitest';
import { robustRange, scatterLimits } from '../../../src/ui/analysis/scatter-limits';
import { createRng } from '../../../src/core/math/rng';

test('one outlier does not set the scale: limits follow the bulk and the outlier is counted as clipped', () => {
  const rng = createRng(3);
  const xs = Float64Array.from({ length: 2000 }, () => rng() * 2 - 1);
  const ys = Float64Array.from({ length: 2000 }, () => rng() * 2 - 1);
  xs[17] = 500;
  ys[17] = -300;
  const l = scatterLimits(xs, ys);
  expect(l.x[1]).toBeLessThan(1.2);
  expect(l.y[0]).toBeGreaterThan(-1.2);
  expect(l.x[0]).toBeLessThan(-0.9);
  expect(l.clipped).toBeGreaterThanOrEqual(1);
  // The 1% tails on each side of each axis, at most: about 4% of points, never the bulk.
  expect(l.clipped).toBeLessThan(0.05 * xs.length);
});

test('without outliers nothing is clipped beyond the tails, and the padding never passes the data', () => {
  const xs = Float64Array.from({ length: 101 }, (_, i) => i);
  const [lo, hi] = robustRange(xs);
  // numpy.quantile(arange(101), [0.01, 0.99]) = [1, 99]; padded by 5% of 98 and kept within the data [0, 100].
  expect([lo, hi]).toEqual([0, 100]);
  const wide = Float64Array.from({ length: 1001 }, (_, i) => i);
  // [10, 990] padded by 49.
  expect(robustRange(wide)).toEqual([0, 1000]);
  const tailed = Float64Array.from({ length: 1001 }, (_, i) => (i === 1000 ? 1e6 : i));
  const [a, b] = robustRange(tailed);
  expect(a).toBe(0);
  // numpy.quantile: [10, 990]; padded by 49, and the outlier at 1e6 left outside.
  expect(b).toBeCloseTo(990 + 0.05 * 980, 9);
  expect(robustRange([5, 5, 5])).toEqual([4, 6]);
  expect(robustRange([])).toEqual([-1, 1]);
});
