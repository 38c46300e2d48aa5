// Mahalanobis detector against scikit-learn's EmpiricalCovariance / LedoitWolf (reference.json), host f64 path.
import { describe, expect, test } from 'vitest';
import { covarianceOf, covarianceStatsHost } from '../../../src/core/detect/covariance-stats';
import { fitMahalanobis, mahalanobisScores } from '../../../src/core/detect/mahalanobis';
import { ledoitWolfShrinkage } from '../../../src/core/stats/covariance-shrinkage';
import { detectorMetrics } from '../../../src/core/detect/detector-metrics';
import { referenceJson } from '../../support/fixtures';
import { loadBreastCancer } from '../../support/breast-cancer';

describe('Mahalanobis detector on breast_cancer (trusted = train rows with y == 0)', async () => {
  const bc = await loadBreastCancer();
  const ref = referenceJson().breast_cancer.mahalanobis;
  const trusted = bc.train.filter((r) => bc.labels[r] === 0);
  const stats = covarianceStatsHost(bc.z, bc.d, trusted);
  const untrusted = Array.from(bc.test, (r) => bc.labels[r] === 1);

  for (const [estimator, key] of [
    ['empirical', 'empirical'],
    ['ledoit-wolf', 'ledoit_wolf'],
  ] as const) {
    test(`${estimator} scores match scikit-learn within 1e-4 relative and AUROC within 1e-3`, () => {
      const model = fitMahalanobis(stats, estimator);
      const scores = mahalanobisScores(model, bc.z, bc.test);
      const expected = ref[`${key}_test_scores_first10`] as number[];
      expected.forEach((e, i) => expect(Math.abs(scores[i] - e) / e).toBeLessThan(1e-4));
      const m = detectorMetrics(scores, untrusted);
      expect(Math.abs(m.auroc! - ref[`${key}_test_auroc`])).toBeLessThan(1e-3);
      expect(m.averagePrecision).toBeGreaterThan(0);
    });
  }

  test("Ledoit-Wolf shrinkage equals scikit-learn's", () => {
    expect(
      ledoitWolfShrinkage({ n: stats.n, d: stats.d, cov: covarianceOf(stats, 0), sumNormFourth: stats.sumNormFourth }),
    ).toBeCloseTo(ref.ledoit_wolf_shrinkage, 8);
    expect(fitMahalanobis(stats, 'ledoit-wolf').shrinkage).toBeCloseTo(ref.ledoit_wolf_shrinkage, 8);
    expect(fitMahalanobis(stats, 'empirical').shrinkage).toBe(0);
  });

  test('fewer trusted rows than dimensions gives a pseudo-inverse, not an error', () => {
    const few = trusted.slice(0, 10);
    const model = fitMahalanobis(covarianceStatsHost(bc.z, bc.d, few), 'empirical');
    const s = mahalanobisScores(model, bc.z, bc.test);
    expect(s.every((v) => Number.isFinite(v) && v >= -1e-9)).toBe(true);
  });
});

describe('Mahalanobis closed forms', () => {
  test('diagonal covariance gives the sum of squared z-scores', () => {
    // Rows (±1, ±2) in all four sign combinations: mean 0, variances 1 and 4, zero covariance.
    const x = Float32Array.from([1, 2, -1, 2, 1, -2, -1, -2]);
    const model = fitMahalanobis(covarianceStatsHost(x, 2, [0, 1, 2, 3]), 'empirical');
    const s = mahalanobisScores(model, Float32Array.from([3, 4]));
    expect(s[0]).toBeCloseTo(9 / 1 + 16 / 4, 12);
  });
});
