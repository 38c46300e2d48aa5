import { expect, test } from 'vitest';
import {
  fittingTicks,
  formatTicks,
  linearTicks,
  logRange,
  logTicks,
  niceRange,
  niceStep,
} from '../../../src/ui/charts/ticks';

const isNice = (v: number) => {
  if (v === 0) return true;
  const m = Math.abs(v) / 10 ** Math.floor(Math.log10(Math.abs(v)) + 1e-12);
  return [1, 2, 5].some((n) => Math.abs(m - n) < 1e-9);
};

test('steps are 1, 2 or 5 times a power of ten', () => {
  expect(niceStep(10, 5)).toBe(2);
  expect(niceStep(1, 5)).toBe(0.2);
  expect(niceStep(0.0003, 5)).toBeCloseTo(0.0001, 15);
  expect(niceStep(7, 5)).toBe(2);
  expect(niceStep(23, 5)).toBe(5);
  for (const span of [0.0013, 0.7, 3, 42, 999, 123456]) expect(isNice(niceStep(span, 5))).toBe(true);
});

test('linear ticks are round multiples of the step inside the range, without float noise', () => {
  expect(linearTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  expect(linearTicks(0.1, 0.7, 6)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  expect(linearTicks(-3, 3)).toEqual([-2, 0, 2]);
  expect(linearTicks(-3, 3, 6)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
  // Counts get whole ticks only.
  expect(linearTicks(0, 3, 6, true)).toEqual([0, 1, 2, 3]);
  // A flat series still gets distinct ticks around its value.
  const flat = linearTicks(0.0095, 0.0095);
  expect(flat.length).toBeGreaterThanOrEqual(3);
  expect(new Set(formatTicks(flat)).size).toBe(flat.length);
});

test('a nice range covers the data with round ends', () => {
  expect(niceRange(0.13, 0.87)).toEqual([0, 1]);
  expect(niceRange(3, 47)).toEqual([0, 50]);
  const [a, b] = niceRange(5, 5);
  expect(a).toBeLessThan(5);
  expect(b).toBeGreaterThan(5);
});

test('log ticks never include 0 and use decades, or 2× and 5× marks over a narrow range', () => {
  expect(logTicks(1e-5, 10)).toEqual([1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10]);
  expect(logTicks(0.03, 0.9)).toEqual([0.05, 0.1, 0.2, 0.5]);
  expect(logTicks(1.2, 1.8).every((t) => t > 0)).toBe(true);
  for (const [lo, hi] of [
    [1e-9, 1e3],
    [2e-4, 3e-4],
    [0.5, 5000],
  ])
    expect(logTicks(lo, hi).every((t) => t > 0 && t >= lo * 0.999 && t <= hi * 1.001)).toBe(true);
  expect(logTicks(0, 1)).toEqual([]);
});

test('a log range ends on round marks outside the data', () => {
  expect(logRange(0.013, 0.8)).toEqual([0.01, 1]);
  expect(logRange(3e-4, 4e-4)).toEqual([2e-4, 5e-4]);
  expect(logRange(0, 5)).toEqual([1, 10]);
});

test('labels have just enough digits: distinct, round, and readable below 0.001 on a log axis', () => {
  expect(formatTicks([0, 0.2, 0.4, 0.6])).toEqual(['0', '0.2', '0.4', '0.6']);
  expect(formatTicks([0.0094, 0.0095, 0.0096])).toEqual(['0.0094', '0.0095', '0.0096']);
  expect(formatTicks([5.99, 5.995, 6])).toEqual(['5.99', '5.995', '6']);
  expect(formatTicks([1e-6, 1e-5, 1e-4, 1e-3, 0.01])).toEqual(['1e-6', '1e-5', '1e-4', '0.001', '0.01']);
  expect(formatTicks([2e-4, 4e-4, 6e-4])).toEqual(['2e-4', '4e-4', '6e-4']);
  expect(formatTicks([0, 50000, 100000, 150000])).toEqual(['0', '5e4', '1e5', '1.5e5']);
  expect(formatTicks([0, 500, 1000, 1500])).toEqual(['0', '500', '1000', '1500']);
  // Ticks a chart thinned out stay unlabelled rather than reading "null".
  expect(formatTicks([1, null, 0.01, null, 1e-4])).toEqual(['1', '', '0.01', '', '1e-4']);
  // Whatever the range, neighbouring labels never read the same.
  for (const [lo, hi] of [
    [0.00949, 0.00951],
    [1e-7, 3e-7],
    [123.4, 123.6],
    [-1e-4, 1e-4],
  ]) {
    const t = linearTicks(lo, hi);
    expect(new Set(formatTicks(t)).size).toBe(t.length);
    const step = niceStep(hi - lo, 5);
    expect(t.every((v) => Math.abs(v / step - Math.round(v / step)) < 1e-6)).toBe(true);
  }
});

test('ticks thin out until their labels fit the width', () => {
  expect(fittingTicks(0, 1, 300).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  // Norms all near 2.1929: long labels, so fewer of them, still round and distinct.
  const narrow = fittingTicks(2.192905, 2.192935, 300, 5.5);
  const width = narrow.labels.reduce((s, l) => s + (l.length + 2) * 5.5, 0);
  expect(width).toBeLessThanOrEqual(300);
  expect(narrow.ticks.length).toBeGreaterThanOrEqual(1);
  expect(new Set(narrow.labels).size).toBe(narrow.labels.length);
});
