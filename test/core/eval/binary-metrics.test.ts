// Metrics against hand-computed values (scikit-learn's definitions worked by hand in the comments).
import { describe, expect, test } from 'vitest';
import { averagePrecision, balancedAccuracy, confusionMatrix, rocCurve } from '../../../src/core/eval/binary-metrics';
import { reliabilityCurve } from '../../../src/core/eval/calibration';

describe('average precision', () => {
  test("equals scikit-learn's documented example (0.8333)", () => {
    // Descending: 0.8 (+) P=1 R=½; 0.4 (−) P=½ R=½; 0.35 (+) P=⅔ R=1 → AP = ½·1 + ½·⅔ = ⅚.
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(5 / 6, 12);
  });
  test('treats tied scores as one threshold', () => {
    // All three tied rows cross together: P = ⅔ at R = 1 → AP = ⅔.
    expect(averagePrecision([0.5, 0.5, 0.5, 0.1], [1, 0, 1, 0])).toBeCloseTo(2 / 3, 12);
  });
  test('is 1 for a perfect ranking and undefined without positives', () => {
    expect(averagePrecision([0.9, 0.8, 0.1], [1, 1, 0])).toBe(1);
    expect(averagePrecision([0.9, 0.8], [0, 0])).toBeNull();
  });
});

describe('ROC curve', () => {
  test('has one point per distinct threshold from (0, 0) to (1, 1)', () => {
    const roc = rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])!;
    expect(Array.from(roc.fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(Array.from(roc.tpr)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(Array.from(roc.thresholds)).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
  });
  test('is undefined with one class present', () => {
    expect(rocCurve([0.1, 0.2], [1, 1])).toBeNull();
  });
});

describe('balanced accuracy and confusion matrix', () => {
  test('balanced accuracy is the mean per-class recall', () => {
    // recall(0) = ⅔, recall(1) = 1 → ⅚ (plain accuracy would be ¾).
    expect(balancedAccuracy([0, 0, 1, 1], [0, 0, 0, 1], 2)).toBeCloseTo(5 / 6, 12);
    expect(balancedAccuracy([], [], 2)).toBeNull();
  });
  test('balanced accuracy ignores classes absent from the labels', () => {
    expect(balancedAccuracy([0, 2], [0, 0], 3)).toBe(0.5);
  });
  test('confusion rows are true classes and columns predictions', () => {
    const m = confusionMatrix([0, 1, 1, 2, 0], [0, 0, 1, 2, 2], 3);
    expect(Array.from(m)).toEqual([1, 1, 0, 0, 1, 0, 1, 0, 1]);
  });
  test('confusion refuses a label outside the classes, naming it', () => {
    expect(() => confusionMatrix([0], [3], 2)).toThrow(/label 3/);
  });
});

describe('reliability curve and ECE', () => {
  test('ECE is the count-weighted gap between accuracy and confidence per bin', () => {
    // bins: [0.05] conf .05 acc 0; [0.15, 0.15] conf .15 acc .5; [0.95] conf .95 acc 1
    // ECE = ¼·.05 + ½·.35 + ¼·.05 = 0.2
    const r = reliabilityCurve([0.05, 0.15, 0.15, 0.95], [0, 1, 0, 1], 10);
    expect(r.ece!).toBeCloseTo(0.2, 12);
    expect(Array.from(r.count)).toEqual([1, 2, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(r.fractionPositive[2]).toBeNull();
    expect(r.meanPredicted[1]).toBeCloseTo(0.15, 12);
  });
  test('a probability of exactly 1 falls in the last bin; out-of-range ones are refused', () => {
    expect(reliabilityCurve([1], [1], 5).count[4]).toBe(1);
    expect(() => reliabilityCurve([1.5], [1], 5)).toThrow(/1.5/);
    expect(reliabilityCurve([], [], 5).ece).toBeNull();
  });
});
