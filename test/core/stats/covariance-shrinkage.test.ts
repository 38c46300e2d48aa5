// The one covariance-shrinkage module against scikit-learn's ledoit_wolf_shrinkage / LedoitWolf on every edge case
// the former copies treated differently (reference.json's shrinkage_edge_cases), through both ways in: centred
// rows (LDA) and the detector's CovarianceStats.
import { describe, expect, test } from 'vitest';
import {
  centredMoments,
  ledoitWolfShrinkage,
  optimalLinearShrinkage,
  scaleFreeLedoitWolf,
  shrinkToScaledIdentity,
} from '../../../src/core/stats/covariance-shrinkage';
import { covarianceOf, covarianceStatsHost } from '../../../src/core/detect/covariance-stats';
import { referenceJson } from '../../support/fixtures';

interface Case {
  shape: [number, number];
  x: number[];
  shrinkage: number;
  covariance: number[];
}

function centred(x: number[], n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j] += x[r * d + j] / n;
  return Float64Array.from(x, (v, i) => v - mean[i % d]);
}

const CASES = ['one_feature', 'one_row', 'identical_rows', 'isotropic', 'few_rows', 'anisotropic'];

describe("Ledoit-Wolf equals scikit-learn's on each edge case", () => {
  for (const name of CASES) {
    test(name, () => {
      const c = referenceJson().shrinkage_edge_cases[name] as Case;
      const [n, d] = c.shape;
      const moments = centredMoments(centred(c.x, n, d), n, d);
      const alpha = ledoitWolfShrinkage(moments);
      expect(Math.abs(alpha - c.shrinkage)).toBeLessThan(1e-10);
      const shrunk = shrinkToScaledIdentity(moments.cov, d, alpha);
      // Relative to the largest entry; identical rows leave only rounding (both sides ~1e-33) to compare.
      const tol = 1e-10 * Math.max(...c.covariance.map(Math.abs)) + 1e-20;
      c.covariance.forEach((v, i) => expect(Math.abs(shrunk[i] - v)).toBeLessThan(tol));
      if (n >= 2) {
        // The detector's path: statistics of f32 rows, then the same estimator.
        const stats = covarianceStatsHost(
          Float32Array.from(c.x),
          d,
          Int32Array.from({ length: n }, (_, i) => i),
        );
        const viaStats = ledoitWolfShrinkage({ n, d, cov: covarianceOf(stats, 0), sumNormFourth: stats.sumNormFourth });
        expect(Math.abs(viaStats - c.shrinkage)).toBeLessThan(1e-9);
      }
    });
  }

  test('one feature is exactly 0 however the expanded δ rounds', () => {
    const c = referenceJson().shrinkage_edge_cases.one_feature as Case;
    expect(ledoitWolfShrinkage(centredMoments(centred(c.x, 20, 1), 20, 1))).toBe(0);
  });

  test('no rows at all give 0, not NaN', () => {
    expect(ledoitWolfShrinkage({ n: 0, d: 3, cov: new Float64Array(9), sumNormFourth: 0 })).toBe(0);
  });
});

describe('shrinking', () => {
  test('α = 0 keeps S, α = 1 gives tr(S)/d · I, and α outside [0, 1] is refused', () => {
    const s = Float64Array.from([4, 1, 1, 2]);
    expect(Array.from(shrinkToScaledIdentity(s, 2, 0))).toEqual([4, 1, 1, 2]);
    expect(Array.from(shrinkToScaledIdentity(s, 2, 1))).toEqual([3, 0, 0, 3]);
    expect(() => shrinkToScaledIdentity(s, 2, 1.5)).toThrow(/invalid shrinkage 1.5/);
    expect(() => shrinkToScaledIdentity(s, 2, NaN)).toThrow(/invalid shrinkage/);
  });

  test('the scale-free (LDA) estimate divides a constant column by 1, as StandardScaler, and stays finite', () => {
    // Column 2 is constant: its z-score is 0/1 = 0, never 0/0.
    const x = [1, 10, 5, 2, 30, 5, 4, 20, 5, 3, 50, 5];
    const c = centred(x, 4, 3);
    const { alpha, cov } = scaleFreeLedoitWolf(c, 4, 3, [2.5, 27.5, 5]);
    expect(cov.every(Number.isFinite)).toBe(true);
    // Columns 0 and 1 z-score to unit variance, so tr(corr)/d = 2/3 lands on the constant column's diagonal.
    expect(cov[2 * 3 + 2]).toBeCloseTo((alpha * 2) / 3, 12);
    expect(alpha).toBeGreaterThan(0);
    expect(alpha).toBeLessThanOrEqual(1);
  });

  test("optimal linear shrinkage: concept-erasure's closed form, 1 for a multiple of I, clipped to [0, 1]", () => {
    // S = diag(3, 1), n = 10: (tr S)² / (n (‖S‖²_F − (tr S)²/d)) = 16 / (10 · (10 − 8)) = 0.8.
    expect(optimalLinearShrinkage(Float64Array.from([3, 0, 0, 1]), 2, 10)).toBeCloseTo(0.8, 14);
    expect(optimalLinearShrinkage(Float64Array.from([2, 0, 0, 2]), 2, 10)).toBe(1);
    // n = 2: 16 / (2 · 2) = 4, clipped to 1.
    expect(optimalLinearShrinkage(Float64Array.from([3, 0, 0, 1]), 2, 2)).toBe(1);
  });
});
