// The one histogram module, an edge case per test: shared ranges, numpy.histogram's half-open bins decided by the
// edges, values outside the range counted apart (SAE views) or clamped (class score histograms), non-finite values.
import { describe, expect, test } from 'vitest';
import {
  autoRange,
  binOf,
  classHistograms,
  histogram,
  histogramEdges,
  sharedHistograms,
} from '../../../src/core/stats/histogram';
import { createRng } from '../../../src/core/math/rng';

describe('ranges and edges', () => {
  test('the range spans every array, skips non-finite values, and is [0, 1] when nothing is finite', () => {
    expect(autoRange([0, 1], [4])).toEqual([0, 4]);
    expect(autoRange([NaN, 2, Infinity], [-Infinity, 3])).toEqual([2, 3]);
    expect(autoRange([], [NaN])).toEqual([0, 1]);
  });

  test('a degenerate range is widened by ½ either side, also when the spread is only rounding', () => {
    expect(autoRange([5, 5])).toEqual([4.5, 5.5]);
    expect(autoRange([1e6, 1e6 + 1e-7])).toEqual([1e6 - 0.5, 1e6 + 1e-7 + 0.5]);
  });

  test('the last edge is exactly the upper end; bad bins or ranges are refused', () => {
    const e = histogramEdges(3, 0, 0.3);
    expect(e[3]).toBe(0.3);
    expect(() => histogramEdges(0, 0, 1)).toThrow(/invalid number of bins: 0/);
    expect(() => histogramEdges(2, 1, 1)).toThrow(/invalid histogram range \[1, 1\]/);
    expect(() => histogramEdges(2, 0, Infinity)).toThrow(/invalid histogram range/);
  });

  test('every value lands in the bin whose edges hold it (e_b ≤ v < e_b+1, the last bin closed), as numpy.histogram', () => {
    const random = createRng(3);
    for (const [bins, lo, hi] of [
      [7, -0.3, 0.4],
      [10, 0, 0.3],
      [40, -1e3, 1e3 / 3],
    ] as const) {
      const edges = histogramEdges(bins, lo, hi);
      // Values drawn on the edges themselves are the ones arithmetic can put one bin off.
      const values = [...edges, ...Array.from({ length: 500 }, () => lo + random() * (hi - lo))];
      for (const v of values) {
        const b = binOf(v, edges);
        expect(edges[b]).toBeLessThanOrEqual(v);
        if (b < bins - 1) expect(v).toBeLessThan(edges[b + 1]);
        else expect(v).toBeLessThanOrEqual(edges[bins]);
      }
    }
  });
});

describe('histograms', () => {
  test('values outside the range, and NaN, are counted apart, never dropped', () => {
    const h = histogram([0, 0.25, 0.5, 1, 2, -1, NaN, Infinity, -Infinity], 2, 0, 1);
    expect(Array.from(h.counts)).toEqual([2, 2]);
    expect(h.under).toBe(3);
    expect(h.over).toBe(2);
  });

  test('shared bins span both groups and count each finite value once (the maximum lands in the last bin)', () => {
    const h = sharedHistograms(
      [
        [0, 1, 2],
        [4, NaN],
      ],
      4,
    );
    expect(Array.from(h.edges)).toEqual([0, 1, 2, 3, 4]);
    expect(h.binWidth).toBe(1);
    expect(Array.from(h.counts[0])).toEqual([1, 1, 1, 0]);
    expect(Array.from(h.counts[1])).toEqual([0, 0, 0, 1]);
  });

  test('class histograms count each class on shared edges, clamp values outside the range and skip NaN', () => {
    const range = autoRange([0, 1], [4]);
    const h = classHistograms([0, 1, 3.9, 4, 2], [0, 0, 1, 1, 1], 2, 4, range);
    expect(Array.from(h.edges)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(h.counts)).toEqual([1, 1, 0, 0, 0, 0, 1, 2]);
    const clamped = classHistograms([-5, 9, NaN], [0, 0, 0], 1, 2, [0, 4]);
    expect(Array.from(clamped.counts)).toEqual([1, 1]);
  });
});
