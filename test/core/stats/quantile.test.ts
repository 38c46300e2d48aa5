// The one quantile: numpy's default 'linear' method (np.quantile), values worked by hand from its definition.
import { expect, test } from 'vitest';
import { quantile } from '../../../src/core/stats/quantile';

test('interpolates between order statistics at position q·(n − 1), as np.quantile', () => {
  expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  expect(quantile([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
  expect(quantile([0, 10], 0.25)).toBe(2.5);
  expect(quantile([0, 10, 20], 1 / 3)).toBeCloseTo(20 / 3, 12);
});

test('q = 0 and q = 1 are the minimum and the maximum; one value is every quantile', () => {
  expect(quantile([-3, 1, 8], 0)).toBe(-3);
  expect(quantile([-3, 1, 8], 1)).toBe(8);
  expect(quantile([5], 0.3)).toBe(5);
});

test('no values give NaN (numpy: nan), and q outside [0, 1] is refused', () => {
  expect(quantile([], 0.5)).toBeNaN();
  expect(() => quantile([1, 2], 1.5)).toThrow(/invalid quantile 1.5/);
  expect(() => quantile([1, 2], NaN)).toThrow(/invalid quantile/);
});
