// The probe-suite engine cases on the tfjs CPU backend, plus the regularization path.
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { regularizationPath } from '../../../src/core/probes/regularization-path';
import { chooseLayer } from '../../../src/core/probes/layer-sweep';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';
import { referenceJson } from '../../support/fixtures';
import { breastCancer, splitOf } from './datasets';
import { layerSweepTests, ldaEngineTests } from './suite-reference';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('cpu')).engine;
});

describe('probe suite on the CPU backend', () => {
  ldaEngineTests(() => engine);
  layerSweepTests(() => engine);

  test('the regularization path picks C by validation log-loss and refits on all training rows', async () => {
    const ref = referenceJson().breast_cancer;
    const data = await breastCancer();
    const split = splitOf(ref);
    const Cs = [0.01, 1, 100];
    const r = (await regularizationPath(engine, data, split, { logistic: DEFAULT_LOGISTIC, Cs, folds: 3, seed: 0 }))!;
    expect(r.points.map((p) => p.C)).toEqual(Cs);
    const losses = r.points.map((p) => p.logLoss.mean!);
    expect(losses[r.bestIndex]).toBe(Math.min(...losses));
    // scikit-learn's held-out log-loss at these C (0.230, 0.123, 0.311) says C = 1 generalises best.
    expect(Cs[r.bestIndex]).toBe(1);
    expect(Math.abs(r.best.test.accuracy! - ref.logreg_C1.test_acc)).toBeLessThanOrEqual(1e-3);
    // Over-regularised C = 0.01 underfits: lower fold-training accuracy than C = 100.
    expect(r.points[0].trainAccuracy.mean!).toBeLessThan(r.points[2].trainAccuracy.mean!);
  });
});

describe('layer choice', () => {
  const m = (accuracy: number | null, logLoss: number | null) => ({ accuracy, logLoss, auroc: null, rows: 10 });
  test('breaks accuracy ties by log-loss and never picks an undefined metric', () => {
    expect(chooseLayer([m(0.9, 0.3), m(0.9, 0.2), m(null, 0.01)], 'accuracy')).toBe(1);
    expect(chooseLayer([m(0.9, 0.3), m(0.8, 0.2)], 'logLoss')).toBe(1);
  });
});
