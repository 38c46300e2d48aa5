// Detector average precision, kNN cosine, probe-range and multi-layer combination against hand-computed values.
import { describe, expect, test } from 'vitest';
import { knnCosineScores } from '../../../src/core/detect/knn-cosine';
import { fitProbeRange, probeRangeScores } from '../../../src/core/detect/probe-range';
import { combineLayerScores, fitScoreStandardization } from '../../../src/core/detect/combine-layers';
import { detectorMetrics } from '../../../src/core/detect/detector-metrics';

const averagePrecision = (s: number[], p: number[]) => detectorMetrics(s, p).averagePrecision;

describe('detector average precision (src/core/eval)', () => {
  test("matches scikit-learn's documented example (0.8333…)", () => {
    // sklearn.metrics.average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.8333333333333333
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(5 / 6, 12);
  });
  test('tied scores enter together', () => {
    // One threshold holding all rows: recall 1 at precision 2/4.
    expect(averagePrecision([1, 1, 1, 1], [1, 0, 1, 0])).toBeCloseTo(0.5, 12);
    // Thresholds 0.9 (1 pos of 1), then 0.5 (+1 pos, +1 neg): AP = 0.5·1 + 0.5·(2/3).
    expect(averagePrecision([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0])).toBeCloseTo(0.5 + 1 / 3, 12);
  });
  test('is null with no positive rows, and metrics refuse NaN scores', () => {
    expect(averagePrecision([0.2, 0.3], [0, 0])).toBeNull();
    expect(detectorMetrics([0.2, 0.3], [0, 0]).auroc).toBeNull();
    expect(() => detectorMetrics([NaN, 0.3], [0, 1])).toThrow(/NaN/);
  });
});

describe('kNN cosine detector', () => {
  // Trusted rows along the x axis and at 45°; queries along x (distance 0) and along y.
  const x = Float32Array.from([1, 0, 2, 0, 1, 1, /* queries */ 3, 0, 0, 1]);
  test('scores the mean cosine distance to the k nearest trusted rows', () => {
    const s = knnCosineScores(x, 2, [0, 1, 2], [3, 4], { k: 2 });
    expect(s[0]).toBeCloseTo(0, 12); // two trusted rows at cosine 1
    // y axis: cosines 0, 0, 1/√2 → nearest two are 1/√2 and 0.
    expect(s[1]).toBeCloseTo((1 - Math.SQRT1_2 + 1) / 2, 12);
  });
  test("excludeSelf skips a trusted row's own entry", () => {
    const s = knnCosineScores(x, 2, [0, 1, 2], [2], { k: 1, excludeSelf: true });
    expect(s[0]).toBeCloseTo(1 - Math.SQRT1_2, 12);
    expect(() => knnCosineScores(x, 2, [0, 1], [3], { k: 3 })).toThrow(/exceeds/);
  });
});

describe('probe-range detector', () => {
  test('the score is the signed distance outside the trusted range, in trusted std units', () => {
    const trusted = [0, 1, 2, 3, 4]; // population std √2
    const range = fitProbeRange(trusted, { lowQuantile: 0, highQuantile: 1 });
    expect(range).toEqual({ low: 0, high: 4, scale: Math.sqrt(2) });
    const s = probeRangeScores(range, [2, 6, -1]);
    expect(s[0]).toBeCloseTo(-2 / Math.SQRT2, 12);
    expect(s[1]).toBeCloseTo(2 / Math.SQRT2, 12);
    expect(s[2]).toBeCloseTo(1 / Math.SQRT2, 12);
  });
});

describe('multi-layer combination', () => {
  test("sums per-layer scores standardized by each layer's trusted training scores", () => {
    const combined = combineLayerScores([
      { standardization: fitScoreStandardization([0, 2]), scores: [1, 3] }, // mean 1, sd 1 → 0, 2
      { standardization: fitScoreStandardization([10, 30]), scores: [40, 20] }, // mean 20, sd 10 → 2, 0
    ]);
    expect(Array.from(combined)).toEqual([2, 2]);
    const one = fitScoreStandardization([0]);
    expect(() =>
      combineLayerScores([
        { standardization: one, scores: [1] },
        { standardization: one, scores: [1, 2] },
      ]),
    ).toThrow(/layer 1/);
  });

  test('constant training scores scale by 1; no or non-finite training scores are refused', () => {
    expect(fitScoreStandardization([3, 3, 3])).toEqual({ mean: 3, sd: 1, rows: 3 });
    expect(() => fitScoreStandardization([])).toThrow(/no trusted training scores/);
    expect(() => fitScoreStandardization([1, Infinity])).toThrow(/not finite/);
  });
});
