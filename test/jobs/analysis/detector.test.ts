// The anomaly-detector job end to end on a DatasetStore (no worker): breast_cancer in, plain results out, checked
// against scikit-learn's Mahalanobis scores, the host kNN scores, and closed forms for the combined detector.
import { beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../../src/core/engine/engine';
import type { DatasetStore } from '../../../src/jobs/dataset-store';
import { runAnalysisJob } from '../../../src/jobs/analysis-job';
import { typedArrayBuffers } from '../../../src/jobs/transferables';
import { knnCosineScores } from '../../../src/core/detect/knn-cosine';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { writeNpyF32 } from '../../../src/core/formats/npy-writer';
import type { DetectorResult, DetectorSpec } from '../../../src/protocol';
import { breastCancerStore, hooks, ref, referenceSplit } from './breast-cancer-store';

let engine: Engine;
let store: DatasetStore;
beforeAll(async () => {
  ({ engine, store } = await breastCancerStore());
  // A second "layer" of another width and scale: the first 10 columns of X, times 100.
  const x = await store.matrix({ fileId: 'bc', key: 'X' });
  const narrow = new Float32Array(x.rows * 10);
  for (let r = 0; r < x.rows; r++) for (let j = 0; j < 10; j++) narrow[r * 10 + j] = 100 * x.data[r * x.cols + j];
  await store.open('narrow', bytesSource('narrow.npy', writeNpyF32(narrow, [x.rows, 10])));
});

const X = { name: 'X', activations: { fileId: 'bc', key: 'X' } };
const NARROW = { name: 'narrow', activations: { fileId: 'narrow', key: '' } };
const detector = (over: Partial<DetectorSpec>): DetectorSpec => ({
  kind: 'detector',
  layers: [X, X],
  untrusted: { fileId: 'bc', key: 'y' },
  split: referenceSplit(),
  method: 'mahalanobis',
  estimator: 'empirical',
  k: 5,
  standardize: true,
  ...over,
});
const run = async (spec: DetectorSpec) => (await runAnalysisJob(engine, store, spec, hooks)) as DetectorResult;

describe('anomaly-detector job on breast_cancer', () => {
  test("Mahalanobis reproduces scikit-learn's empirical scores (affine-invariant) and AUROC", async () => {
    const r = await run(detector({}));
    const expected = ref().mahalanobis.empirical_test_scores_first10 as number[];
    expected.forEach((e, i) => expect(Math.abs(r.layers[0].testScores[i] - e) / e).toBeLessThan(1e-4));
    expect(Math.abs(r.layers[0].metrics.auroc! - ref().mahalanobis.empirical_test_auroc)).toBeLessThan(1e-3);
    // Two identical layers: the combined score is a monotone map of one layer's, so AUROC is unchanged.
    expect(r.combined!.metrics.auroc).toBeCloseTo(r.layers[0].metrics.auroc!, 12);
    expect(typedArrayBuffers(r).length).toBeGreaterThan(0);
  });

  test('kNN scores test rows against the trusted training rows, each layer alike', async () => {
    const r = await run(detector({ method: 'knn-cosine', standardize: false }));
    const m = await store.matrix(X.activations);
    const y = (await store.labels({ fileId: 'bc', key: 'y' })).values as ArrayLike<number>;
    const trusted = Int32Array.from(ref().train_idx as number[]).filter((i) => y[i] === 0);
    const expected = knnCosineScores(m.data, m.cols, trusted, ref().test_idx as number[], { k: 5 });
    // The CPU engine scores on the host in f64 and returns Engine.knnCosine's f32, so exactly that to f32 rounding;
    // WebGPU is checked in the .dawn tests of the engine.
    expect(Array.from(r.layers[0].testScores)).toEqual(Array.from(Float32Array.from(expected)));
    expect(r.trustedTrainRows).toBe(trusted.length);
    expect(r.combined!.metrics.auroc).toBeCloseTo(r.layers[0].metrics.auroc!, 12);
  });
});

describe('the combined multi-layer detector', () => {
  test('standardizes each layer by its trusted TRAINING scores and is judged on the held-out rows only', async () => {
    const r = await run(detector({ layers: [X, NARROW] }));
    const y = (await store.labels({ fileId: 'bc', key: 'y' })).values as ArrayLike<number>;
    const trusted = (ref().train_idx as number[]).filter((i) => y[i] === 0).length;
    // In-sample squared Mahalanobis distances with the ddof = 0 covariance sum to n·d (Σ_k tr(S⁻¹ x_k x_kᵀ) = tr(n I)),
    // so the trusted training rows' mean score is exactly d: 30 for X, 10 for its first ten columns (to the f32 the
    // engine scores in).
    const [wide, narrow] = r.layers.map((l) => l.trainStandardization);
    expect(wide.mean).toBeCloseTo(30, 5);
    expect(narrow.mean).toBeCloseTo(10, 5);
    expect(wide.rows).toBe(trusted);
    expect(narrow.rows).toBe(trusted);
    const nTest = (ref().test_idx as number[]).length;
    expect(r.combined!.testScores.length).toBe(nTest);
    expect(r.combined!.metrics.positives + r.combined!.metrics.negatives).toBe(nTest);
    r.combined!.testScores.forEach((s, i) =>
      expect(s).toBeCloseTo(
        (r.layers[0].testScores[i] - wide.mean) / wide.sd + (r.layers[1].testScores[i] - narrow.mean) / narrow.sd,
        10,
      ),
    );
  });

  test('neither held-out rows nor untrusted training rows move the standardization', async () => {
    const base = await run(detector({ layers: [X, NARROW] }));
    // The same trusted training rows; the untrusted training rows move to the held-out side.
    const y = (await store.labels({ fileId: 'bc', key: 'y' })).values as ArrayLike<number>;
    const train = ref().train_idx as number[];
    const moved = referenceSplit();
    moved.train = train.filter((i) => y[i] === 0);
    moved.test = [...(ref().test_idx as number[]), ...train.filter((i) => y[i] !== 0)].sort((a, b) => a - b);
    const other = await run(detector({ layers: [X, NARROW], split: moved }));
    expect(other.testRows).toBeGreaterThan(base.testRows);
    other.layers.forEach((l, i) => expect(l.trainStandardization).toEqual(base.layers[i].trainStandardization));
  });
});
