// The probe-suite worker runners end to end on the CPU engine: real fixture files through a DatasetStore,
// results checked against reference.json.
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../src/engine/create-engine';
import type { Engine } from '../../src/core/engine/engine';
import { DatasetStore } from '../../src/jobs/dataset-store';
import { bytesSource } from '../../src/core/formats/byte-source';
import { runProbeSuiteJob } from '../../src/jobs/probe-suite-job';
import { DEFAULT_LOGISTIC } from '../../src/core/probes/logistic';
import { DEFAULT_CCS } from '../../src/core/probes/ccs';
import { DEFAULT_MASS_MEAN } from '../../src/core/probes/mass-mean';
import { fitLda } from '../../src/core/probes/lda';
import { applyProbe } from '../../src/core/probes/linear-probe';
import { crossFitPlatt, fitPlatt } from '../../src/core/eval/platt';
import { stratifiedKFold } from '../../src/core/split/kfold';
import { breastCancer as breastCancerData } from '../core/probes/datasets';
import { probeToSafetensors } from '../../src/core/probes/probe-export';
import type { JobStartInfo, StreamedSweepCell } from '../../src/protocol';
import { cosine, fixtureBytes, referenceJson } from '../support/fixtures';
import { DEFAULT_SUITE_EVAL, type ProbeSuiteResult, type ProbeSuiteSpec } from '../../src/protocol';

let engine: Engine;
const store = new DatasetStore();
beforeAll(async () => {
  engine = (await createEngine('cpu')).engine;
  for (const name of [
    'breast_cancer.npz',
    'contrast_pairs.npz',
    'diabetes_X.npy',
    'diabetes_target.npy',
    'layers.safetensors',
  ]) {
    await store.open(name, bytesSource(name, fixtureBytes(name)));
  }
});

const explicit = (ref: { train_idx: number[]; test_idx: number[] }) => ({
  kind: 'explicit' as const,
  train: ref.train_idx,
  test: ref.test_idx,
  source: 'reference.json',
});
const bc = () => ({
  activations: { fileId: 'breast_cancer.npz', key: 'X' },
  labels: { fileId: 'breast_cancer.npz', key: 'y' },
  split: explicit(referenceJson().breast_cancer),
});
const evalOpts = { ...DEFAULT_SUITE_EVAL, bootstrap: { samples: 200, seed: 0, level: 0.95 } };

async function run<M extends ProbeSuiteSpec['method']>(spec: Extract<ProbeSuiteSpec, { method: M }>) {
  const starts: JobStartInfo[] = [];
  const points: Float64Array[] = [];
  const cells: StreamedSweepCell[] = [];
  const result = await runProbeSuiteJob(engine, store, spec, {
    onStart: (i) => starts.push(i),
    onProgress: (p) => points.push(p),
    onCell: (c) => cells.push(c),
    isCancelled: () => false,
  });
  expect(starts).toHaveLength(1);
  return { result: result as Extract<ProbeSuiteResult, { method: M }>, start: starts[0], points, cells };
}

describe('probe-suite jobs', () => {
  test('LDA job reports train and held-out metrics with intervals, histograms and Platt calibration', async () => {
    const ref = referenceJson().breast_cancer;
    const { result: r, start } = await run({
      method: 'lda',
      data: bc(),
      config: { shrinkage: 'none', standardize: true },
      eval: { ...evalOpts, platt: true },
    });
    expect(start.trainRows).toBe(ref.train_idx.length);
    expect(Math.abs(r.test.report.metrics.accuracy! - ref.lda.test_acc)).toBeLessThanOrEqual(1e-3);
    expect(Math.abs(r.test.report.metrics.auroc! - ref.lda.test_auroc)).toBeLessThanOrEqual(1e-3);
    const iv = r.test.report.intervals!.auroc!;
    expect(iv.low).toBeLessThanOrEqual(r.test.report.metrics.auroc!);
    expect(iv.high).toBeGreaterThanOrEqual(r.test.report.metrics.auroc!);
    expect(r.histograms.test.counts.reduce((a, b) => a + b, 0)).toBe(ref.test_idx.length);
    expect(r.histograms.train.edges).toEqual(r.histograms.test.edges);
    expect(r.platt!.testEceAfter).not.toBeNull();
    expect(r.test.proba.length).toBe(2 * ref.test_idx.length);
  });

  test('Platt scaling is cross-fitted on seeded stratified folds of the training rows, not on in-sample scores', async () => {
    const ref = referenceJson().breast_cancer;
    const spec = {
      method: 'lda' as const,
      data: bc(),
      config: { shrinkage: 'none' as const, standardize: true },
      eval: { ...evalOpts, bootstrap: { samples: 20, seed: 0, level: 0.95 }, platt: true },
    };
    const { result: r } = await run(spec);
    expect(r.platt).toMatchObject({ folds: 5, seed: 0 });
    // The same out-of-fold fit, built here from its parts: seeded folds, the LDA refitted per fold.
    const data = await breastCancerData();
    const train = Int32Array.from(ref.train_idx as number[]);
    const cv = (await crossFitPlatt(
      stratifiedKFold(train, data.labels, 5, 0),
      (row) => data.labels[row] === 1,
      async (fit, heldOut) => applyProbe(fitLda(data, { train: fit, test: heldOut }), data.x, data.cols, heldOut),
    ))!;
    expect(r.platt!.scaling.a).toBeCloseTo(cv.scaling.a, 10);
    expect(r.platt!.scaling.b).toBeCloseTo(cv.scaling.b, 10);
    const inSample = fitPlatt(
      r.train.scores,
      Array.from(r.train.rows, (row) => data.labels[row] === 1),
    );
    expect(Math.abs(inSample.a - r.platt!.scaling.a)).toBeGreaterThan(0.05);
    // Other folds, another (close) fit; the same seed, the same numbers.
    const other = (await run({ ...spec, eval: { ...spec.eval, plattFolds: { folds: 5, seed: 7 } } })).result;
    expect(other.platt!.scaling.a).not.toBe(r.platt!.scaling.a);
    expect(Math.abs(other.platt!.scaling.a - r.platt!.scaling.a)).toBeLessThan(0.2 * Math.abs(r.platt!.scaling.a));
    expect((await run(spec)).result.platt).toEqual(r.platt);
  });

  test('Platt scaling with fewer training rows of a class than folds is skipped with a note', async () => {
    const ref = referenceJson().breast_cancer;
    const y = (await store.labels({ fileId: 'breast_cancer.npz', key: 'y' })).values as ArrayLike<number>;
    const train = (ref.train_idx as number[])
      .filter((i) => y[i] === 0)
      .concat((ref.train_idx as number[]).filter((i) => y[i] === 1).slice(0, 3));
    const { result: r } = await run({
      method: 'mass-mean',
      data: {
        ...bc(),
        split: { kind: 'explicit', train: train.sort((a, b) => a - b), test: ref.test_idx, source: 'test' },
      },
      config: DEFAULT_MASS_MEAN,
      eval: { ...evalOpts, platt: true },
    });
    expect(r.platt).toBeUndefined();
    expect(r.notes.join(' ')).toMatch(/at least 5 training rows of each class .* has 3/);
  });

  test("mass-mean job: μ₁ − μ₀ in activation space, numpy's held-out AUROC, and a note that scores are uncalibrated", async () => {
    const { result: r } = await run({ method: 'mass-mean', data: bc(), config: DEFAULT_MASS_MEAN, eval: evalOpts });
    const expected = referenceJson().breast_cancer.mass_mean;
    expect(r.test.report.metrics.auroc!).toBeCloseTo(expected.raw_test_auroc, 6);
    expect(cosine(r.model.weights, expected.raw_coef)).toBeGreaterThanOrEqual(0.9999);
    expect(r.notes.join(' ')).toMatch(/uncalibrated/);
  });

  test('ridge job matches scikit-learn held-out R² on diabetes', async () => {
    const ref = referenceJson().diabetes;
    const { result: r } = await run({
      method: 'ridge',
      config: { alpha: 1, standardize: false },
      data: {
        activations: { fileId: 'diabetes_X.npy', key: '' },
        targets: { fileId: 'diabetes_target.npy', key: '' },
        split: explicit(ref),
      },
    });
    expect(r.test.r2!).toBeCloseTo(ref.ridge_alpha1_raw_features.test_r2, 3);
    expect(r.testPredictions.length).toBe(ref.test_idx.length);
  });

  test('CCS job: held-out accuracy above 0.9 and a note that the sign came from labels', async () => {
    const { result: r } = await run({
      method: 'ccs',
      config: { ...DEFAULT_CCS, restarts: 4 },
      eval: evalOpts,
      data: {
        xPlus: { fileId: 'contrast_pairs.npz', key: 'x_plus' },
        xMinus: { fileId: 'contrast_pairs.npz', key: 'x_minus' },
        labels: { fileId: 'contrast_pairs.npz', key: 'truth' },
        split: { kind: 'random', testFraction: 0.3, seed: 3, stratify: true },
      },
    });
    expect(r.test.report.metrics.accuracy!).toBeGreaterThan(0.9);
    expect(r.notes[0]).toMatch(/sign .* fixed with the training labels/);
  });

  test('layer sweep over per-layer keys streams one point per layer and picks a deep layer on validation rows', async () => {
    const expected = referenceJson().layers.logreg_C1_test_acc_by_layer as number[];
    const {
      result: r,
      points,
      start,
    } = await run({
      method: 'layer-sweep',
      eval: evalOpts,
      config: { logistic: { ...DEFAULT_LOGISTIC, C: 1 }, validationFraction: 0.2, seed: 0, selectBy: 'accuracy' },
      data: {
        layers: expected.map((_, i) => ({
          name: `layer_${i}`,
          activations: { fileId: 'layers.safetensors', key: `layer_${i}` },
        })),
        labels: { fileId: 'layers.safetensors', key: 'labels' },
        split: explicit(referenceJson().layers),
      },
    });
    expect(start.fields).toEqual(['layer', 'validationAccuracy', 'trainAccuracy', 'testAccuracy', 'testAuroc']);
    expect(points).toHaveLength(6);
    r.test.forEach((m, i) => expect(Math.abs(m.accuracy! - expected[i])).toBeLessThanOrEqual(1e-3));
    expect(r.chosen).toBeGreaterThanOrEqual(4);
    expect(r.best.test.report.metrics.accuracy).toBeCloseTo(r.test[r.chosen].accuracy!, 12);
  });

  test('a probe sweep grids layers × settings in one job; the best cell, chosen by CV, opens as a full result', async () => {
    const expected = referenceJson().layers.logreg_C1_test_acc_by_layer as number[];
    const {
      result: r,
      start,
      points,
      cells,
    } = await run({
      method: 'probe-sweep',
      eval: evalOpts,
      config: {
        logistic: DEFAULT_LOGISTIC,
        ldaStandardize: true,
        settings: [
          { method: 'logistic', C: 1 },
          { method: 'logistic', C: 0.01 },
          { method: 'lda', shrinkage: 0.5 },
        ],
        selectBy: 'auroc',
        folds: 3,
        seed: 0,
      },
      data: {
        layers: [1, 3, 5].map((i) => ({
          name: `layer_${i}`,
          activations: { fileId: 'layers.safetensors', key: `layer_${i}` },
        })),
        labels: { fileId: 'layers.safetensors', key: 'labels' },
        split: explicit(referenceJson().layers),
      },
    });
    expect(start.fields).toEqual(['cell', 'layer', 'setting', 'cvAccuracy', 'testAccuracy', 'testAuroc']);
    expect(points).toHaveLength(9);
    // Each cell streamed as it finished, in grid order, without its probe, and equal to the result's cell.
    expect(cells.map((c) => [c.layer, c.setting])).toEqual(r.cells.flat().map((c) => [c.layer, c.setting]));
    cells.forEach((c) => {
      expect('model' in c).toBe(false);
      const { model: _, ...fin } = r.cells[c.layer][c.setting];
      expect(c).toEqual(fin);
    });
    expect(r.names).toEqual(['layer_1', 'layer_3', 'layer_5']);
    // C = 1 column: the same probes as the layer sweep's, so scikit-learn's held-out accuracy by layer.
    [1, 3, 5].forEach((layer, i) =>
      expect(Math.abs(r.cells[i][0].test.accuracy! - expected[layer])).toBeLessThanOrEqual(1e-3),
    );
    const cv = r.cells.flat().map((c) => c.cv.auroc.mean!);
    const best = r.cells[r.best.layer][r.best.setting];
    expect(best.cv.auroc.mean).toBe(Math.max(...cv));
    expect(r.bestOutcome.test.report.metrics.accuracy).toBeCloseTo(best.test.accuracy!, 12);
    expect(r.bestOutcome.test.report.metrics.auroc).toBeCloseTo(best.test.auroc!, 12);
    expect(r.bestOutcome.notes[0]).toMatch(/3-fold CV auroc/);
    // The grid's intervals resample exactly as the full evaluation of the same probe does (same seed, same rows).
    const full = r.bestOutcome.test.report.intervals!;
    expect(best.testIntervals.accuracy).toEqual(full.accuracy);
    expect(best.testIntervals.auroc).toEqual(full.auroc);
  });

  test('group split keeps each group of a metadata column on one side', async () => {
    // A table column with 23 groups of consecutive rows (e.g. source documents).
    const csv = 'doc\n' + Array.from({ length: 569 }, (_, i) => `d${Math.floor(i / 25)}`).join('\n') + '\n';
    await store.open('groups.csv', bytesSource('groups.csv', new TextEncoder().encode(csv)));
    const { result: r } = await run({
      method: 'lda',
      config: { shrinkage: 'ledoit-wolf', standardize: true },
      eval: evalOpts,
      data: {
        ...bc(),
        split: { kind: 'group', column: { fileId: 'groups.csv', key: 'doc' }, testFraction: 0.3, seed: 1 },
      },
    });
    const group = (row: number) => Math.floor(row / 25);
    const testGroups = new Set(Array.from(r.test.rows, group));
    expect(Array.from(r.train.rows).some((row) => testGroups.has(group(row)))).toBe(false);
    expect(r.test.rows.length).toBeGreaterThanOrEqual(0.3 * 569);
    expect(r.test.report.metrics.auroc!).toBeGreaterThan(0.95);
  });

  test('a group column of the wrong length is refused, naming its file', async () => {
    await expect(
      run({
        method: 'lda',
        config: { shrinkage: 'none', standardize: true },
        eval: evalOpts,
        data: {
          ...bc(),
          split: { kind: 'group', column: { fileId: 'diabetes_target.npy', key: '' }, testFraction: 0.3, seed: 1 },
        },
      }),
    ).rejects.toThrow(/group column has 442 rows; the activations have 569/);
  });

  test('apply-probe: an exported probe applied to a file with labels reproduces the held-out metrics', async () => {
    const { result: lda } = await run({
      method: 'lda',
      data: bc(),
      config: { shrinkage: 'none', standardize: true },
      eval: evalOpts,
    });
    const bytes = probeToSafetensors(lda.model);
    const { result: r } = await run({
      method: 'apply-probe',
      probe: { name: 'lda.safetensors', bytes },
      activations: { fileId: 'breast_cancer.npz', key: 'X' },
      labels: { fileId: 'breast_cancer.npz', key: 'y' },
    });
    expect(r.proba!.length).toBe(2 * 569);
    // On all rows (train + test), the imported probe's accuracy equals the weighted mean of train and test accuracy.
    const n1 = lda.train.rows.length,
      n2 = lda.test.rows.length;
    const pooled = (lda.train.report.metrics.accuracy! * n1 + lda.test.report.metrics.accuracy! * n2) / (n1 + n2);
    expect(r.report!.metrics.accuracy!).toBeCloseTo(pooled, 2);
  });

  test('transfer matrix: one probe per set, the diagonal on held-out rows', async () => {
    const other = { ...bc(), split: { kind: 'random' as const, testFraction: 0.3, seed: 9, stratify: true } };
    const { result: r } = await run({
      method: 'transfer',
      sets: [
        { name: 'A', data: bc() },
        { name: 'B', data: other },
      ],
      config: DEFAULT_LOGISTIC,
      metric: 'accuracy',
    });
    expect(r.matrix.names).toEqual(['A', 'B']);
    expect(Math.abs(r.matrix.values[0][0]! - referenceJson().breast_cancer.logreg_C1.test_acc)).toBeLessThanOrEqual(
      1e-3,
    );
    expect(r.matrix.values.flat().every((v) => v !== null && v > 0.9)).toBe(true);
  });
});
