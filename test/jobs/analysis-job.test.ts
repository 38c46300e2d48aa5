// The worker-side analysis runners end to end on a DatasetStore (no worker): files in, plain results out.
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../src/engine/create-engine';
import type { Engine } from '../../src/core/engine/engine';
import { DatasetStore } from '../../src/jobs/dataset-store';
import { runAnalysisJob, resultTransferables } from '../../src/jobs/analysis-job';
import { DEFAULT_LOGISTIC } from '../../src/core/probes/logistic';
import { knnCosineScores } from '../../src/core/detect/knn-cosine';
import { bytesSource } from '../../src/core/formats/byte-source';
import { fixtureBytes, referenceJson } from '../support/fixtures';
import type { DetectorResult, ErasureResult, PcaResult } from '../../src/protocol';

let engine: Engine;
const store = new DatasetStore();
const hooks = { isCancelled: () => false };
beforeAll(async () => {
  engine = (await createEngine('cpu')).engine;
  await store.open('bc', bytesSource('breast_cancer.npz', fixtureBytes('breast_cancer.npz')));
});
const ref = () => referenceJson().breast_cancer;
const split = () => ({
  kind: 'explicit' as const,
  train: ref().train_idx,
  test: ref().test_idx,
  source: 'reference.json',
});

describe('analysis jobs on breast_cancer', () => {
  test("Mahalanobis detector job reproduces scikit-learn's empirical scores (affine-invariant) and AUROC", async () => {
    const layer = { name: 'X', activations: { fileId: 'bc', key: 'X' } };
    const r = (await runAnalysisJob(
      engine,
      store,
      {
        kind: 'detector',
        layers: [layer, layer],
        untrusted: { fileId: 'bc', key: 'y' },
        split: split(),
        method: 'mahalanobis',
        estimator: 'empirical',
        k: 5,
        standardize: true,
      },
      hooks,
    )) as DetectorResult;
    const expected = ref().mahalanobis.empirical_test_scores_first10 as number[];
    expected.forEach((e, i) => expect(Math.abs(r.layers[0].testScores[i] - e) / e).toBeLessThan(1e-4));
    expect(Math.abs(r.layers[0].metrics.auroc! - ref().mahalanobis.empirical_test_auroc)).toBeLessThan(1e-3);
    // Two identical layers: the combined score is a monotone map of one layer's, so AUROC is unchanged.
    expect(r.combined!.metrics.auroc).toBeCloseTo(r.layers[0].metrics.auroc!, 12);
    expect(resultTransferables(r).length).toBeGreaterThan(0);
  });

  test('kNN detector job scores test rows against the trusted training rows, each layer alike', async () => {
    const layer = { name: 'X', activations: { fileId: 'bc', key: 'X' } };
    const r = (await runAnalysisJob(
      engine,
      store,
      {
        kind: 'detector',
        layers: [layer, layer],
        untrusted: { fileId: 'bc', key: 'y' },
        split: split(),
        method: 'knn-cosine',
        estimator: 'empirical',
        k: 5,
        standardize: false,
      },
      hooks,
    )) as DetectorResult;
    const m = await store.matrix(layer.activations);
    const y = (await store.labels({ fileId: 'bc', key: 'y' })).values as ArrayLike<number>;
    const trusted = Int32Array.from(ref().train_idx as number[]).filter((i) => y[i] === 0);
    const expected = knnCosineScores(m.data, m.cols, trusted, ref().test_idx as number[], { k: 5 });
    // The CPU engine scores on the host in f64 and returns Engine.knnCosine's f32, so exactly that to f32 rounding;
    // WebGPU is checked in the .dawn tests of the engine.
    expect(Array.from(r.layers[0].testScores)).toEqual(Array.from(Float32Array.from(expected)));
    expect(r.trustedTrainRows).toBe(trusted.length);
    expect(r.combined!.metrics.auroc).toBeCloseTo(r.layers[0].metrics.auroc!, 12);
  });

  test('erasure job: LEACE drops the retrained probe to the majority rate, probe-direction does not', async () => {
    const r = (await runAnalysisJob(
      engine,
      store,
      {
        kind: 'erasure',
        activations: { fileId: 'bc', key: 'X' },
        labels: { fileId: 'bc', key: 'y' },
        split: split(),
        shrinkage: true,
        probe: DEFAULT_LOGISTIC,
      },
      hooks,
    )) as ErasureResult;
    expect(r.checks.map((c) => c.method)).toEqual(['none', 'leace', 'mean-difference', 'probe-direction']);
    expect(Math.abs(r.checks[0].test.accuracy! - ref().logreg_C1.test_acc)).toBeLessThan(1e-3);
    expect(Math.abs(r.checks[1].test.accuracy! - r.majorityRate)).toBeLessThanOrEqual(0.02);
    expect(r.checks[3].test.accuracy!).toBeGreaterThan(r.majorityRate + 0.1);
    expect(r.leace.proj_left.length).toBe(30 * r.leace.rank);
  });

  test("PCA job samples with a seed, says so, and matches scikit-learn's ratios on standardized rows", async () => {
    const r = (await runAnalysisJob(
      engine,
      store,
      {
        kind: 'pca',
        activations: { fileId: 'bc', key: 'X' },
        components: 5,
        pair: [0, 1],
        maxPoints: 100,
        seed: 1,
        standardize: true,
      },
      hooks,
    )) as PcaResult;
    expect(r.sampled).toBe(true);
    expect(r.xs.length).toBe(100);
    // Standardized on all 569 rows here: the well-known full-data ratio 0.4427 (numpy, computed independently).
    expect(r.explainedVarianceRatio[0]).toBeCloseTo(0.44272026, 6);
  });
});
