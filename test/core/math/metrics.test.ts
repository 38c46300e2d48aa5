import { describe, expect, test } from 'vitest';
import { accuracy, auroc, logLoss, macroAuroc } from '../../../src/core/math/metrics';

describe('auroc', () => {
  test('is 1 for perfectly ranked scores and 0 for reversed ones', () => {
    expect(auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auroc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });
  test('counts a tie between classes as half a correct pair', () => {
    // pairs (pos, neg): (0.5 vs 0.5) tie = 0.5, (0.5 vs 0.1) = 1, (0.9 vs 0.5) = 1, (0.9 vs 0.1) = 1 → 3.5 / 4
    expect(auroc([0.5, 0.1, 0.5, 0.9], [0, 0, 1, 1])).toBeCloseTo(3.5 / 4, 12);
  });
  test('matches the pairwise definition on a hand-made example', () => {
    const s = [0.3, 0.7, 0.2, 0.9, 0.4, 0.6];
    const y = [1, 0, 0, 1, 1, 0];
    let wins = 0,
      pairs = 0;
    for (let i = 0; i < s.length; i++)
      for (let j = 0; j < s.length; j++) {
        if (y[i] === 1 && y[j] === 0) {
          pairs++;
          wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
        }
      }
    expect(auroc(s, y)).toBeCloseTo(wins / pairs, 12);
  });
  test('is undefined (null) when only one class is present', () => {
    expect(auroc([0.1, 0.2], [1, 1])).toBeNull();
    expect(auroc([0.1, 0.2], [0, 0])).toBeNull();
  });
  test('macro one-vs-rest skips classes absent from the rows', () => {
    const proba = Float64Array.from([0.8, 0.1, 0.1, 0.2, 0.7, 0.1]);
    expect(macroAuroc(proba, 3, Int32Array.from([0, 1]))).toBe(1);
  });
});

describe('logLoss and accuracy', () => {
  test('log-loss is the mean negative log of the true class probability', () => {
    const proba = Float64Array.from([0.9, 0.1, 0.3, 0.7]);
    expect(logLoss(proba, 2, Int32Array.from([0, 1]))).toBeCloseTo(-(Math.log(0.9) + Math.log(0.7)) / 2, 12);
  });
  test('log-loss clips zero probabilities like scikit-learn (eps 1e-15)', () => {
    expect(logLoss(Float64Array.from([1, 0]), 2, Int32Array.from([1]))).toBeCloseTo(-Math.log(1e-15), 6);
  });
  test('metrics of an empty set are undefined', () => {
    expect(accuracy([], [])).toBeNull();
    expect(logLoss(new Float64Array(0), 2, new Int32Array(0))).toBeNull();
  });
});
