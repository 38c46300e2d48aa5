// Mahalanobis detector on real WebGPU (Dawn over SwiftShader): the trusted covariance is reduced on the GPU
// (Engine.centredGram) and test rows are scored there (Engine.rowQuadraticForm), checked against scikit-learn.
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { covarianceStats, mahalanobisScoresOn } from '../../../src/core/detect/engine-stats';
import { fitMahalanobis } from '../../../src/core/detect/mahalanobis';
import { detectorMetrics } from '../../../src/core/detect/detector-metrics';
import { referenceJson } from '../../support/fixtures';
import { loadBreastCancer } from '../../support/breast-cancer';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('webgpu')).engine;
});

describe('Mahalanobis detector on WebGPU (Dawn)', () => {
  test('runs on a WebGPU adapter', () => {
    expect(engine.info.backend).toBe('webgpu');
  });

  for (const [estimator, key] of [
    ['empirical', 'empirical'],
    ['ledoit-wolf', 'ledoit_wolf'],
  ] as const) {
    test(`${estimator} scores, shrinkage and AUROC match scikit-learn`, async () => {
      const bc = await loadBreastCancer();
      const ref = referenceJson().breast_cancer.mahalanobis;
      const trusted = bc.train.filter((r) => bc.labels[r] === 0);
      const stats = await covarianceStats(engine, bc.z, bc.d, trusted);
      const model = fitMahalanobis(stats, estimator);
      const scores = await mahalanobisScoresOn(engine, model, bc.z, bc.test);
      // f32 Gram and f32 scoring against a covariance with condition number ≈ 5e4: a numpy simulation of the
      // same arithmetic gives ≈ 1.5e-4 relative, so 1e-3 here (the f64 host path meets 1e-4 in mahalanobis.test.ts).
      (ref[`${key}_test_scores_first10`] as number[]).forEach((e, i) =>
        expect(Math.abs(scores[i] - e) / e).toBeLessThan(1e-3),
      );
      if (estimator === 'ledoit-wolf')
        expect(Math.abs(model.shrinkage - ref.ledoit_wolf_shrinkage) / ref.ledoit_wolf_shrinkage).toBeLessThan(1e-4);
      const m = detectorMetrics(
        scores,
        Array.from(bc.test, (r) => bc.labels[r] === 1),
      );
      expect(Math.abs(m.auroc! - ref[`${key}_test_auroc`])).toBeLessThan(1e-3);
    });
  }
});
