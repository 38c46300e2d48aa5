// Probe-suite reference cases written once and run on every engine (tfjs CPU in Node here, WebGPU on Dawn in
// suite-engine.dawn.test.ts): LDA scored through the engine, the per-layer logistic sweep and the layer × setting
// probe sweep against scikit-learn.
import { expect, test } from 'vitest';
import type { Engine } from '../../../src/core/engine/engine';
import { fitLda } from '../../../src/core/probes/lda';
import { applyProbeOnEngine } from '../../../src/core/probes/apply-on-engine';
import { sweepLayers } from '../../../src/core/probes/layer-sweep';
import { sweepProbes, type SweepSetting } from '../../../src/core/probes/probe-sweep';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';
import { accuracy, auroc } from '../../../src/core/math/metrics';
import { referenceJson } from '../../support/fixtures';
import { breastCancer, layers, splitOf } from './datasets';

export function ldaEngineTests(engine: () => Engine): void {
  test('LDA scored on the engine matches scikit-learn held-out accuracy and AUROC on breast_cancer', async () => {
    const ref = referenceJson().breast_cancer;
    const data = await breastCancer();
    const split = splitOf(ref);
    const model = fitLda(data, split);
    const xTest = new Float32Array(split.test.length * data.cols);
    split.test.forEach((r, i) => xTest.set(data.x.subarray(r * data.cols, (r + 1) * data.cols), i * data.cols));
    const scores = await applyProbeOnEngine(engine(), model, xTest, split.test.length, data.cols);
    const labels = Array.from(split.test, (r) => data.labels[r]);
    expect(
      Math.abs(
        accuracy(
          Array.from(scores, (s) => (s > 0 ? 1 : 0)),
          labels,
        )! - ref.lda.test_acc,
      ),
    ).toBeLessThanOrEqual(1e-3);
    expect(
      Math.abs(
        auroc(
          scores,
          labels.map((l) => l === 1),
        )! - ref.lda.test_auroc,
      ),
    ).toBeLessThanOrEqual(1e-3);
  });
}

export function layerSweepTests(engine: () => Engine): void {
  test('per-layer logistic probes match scikit-learn held-out accuracy by layer; the layer is chosen on validation rows', async () => {
    const expected = referenceJson().layers.logreg_C1_test_acc_by_layer as number[];
    const l = await layers();
    const inputs = l.perLayer.map((x, i) => ({ name: `layer_${i}`, x, cols: l.cols }));
    const r = (await sweepLayers(engine(), inputs, l.rows, l.labels, l.classes, l.split, {
      logistic: { ...DEFAULT_LOGISTIC, C: 1 },
      validationFraction: 0.2,
      seed: 0,
      selectBy: 'accuracy',
    }))!;
    r.layers.forEach((o, i) => expect(Math.abs(o.test.accuracy! - expected[i])).toBeLessThanOrEqual(1e-3));
    expect(r.validationRows).toBe(300);
    // Chosen on validation: one of the two deepest, most separable layers.
    expect(r.chosen).toBeGreaterThanOrEqual(4);
    const valAcc = r.layers.map((o) => o.validation.accuracy!);
    expect(valAcc[r.chosen]).toBe(Math.max(...valAcc));
  });
}

interface RefCell {
  cv_accuracy: { mean: number; sd: number };
  cv_auroc: { mean: number; sd: number };
  cv_logloss: { mean: number; sd: number };
  cv_fit_accuracy_mean: number;
  train_acc: number;
  test_acc: number;
  test_auroc: number;
}

/**
 * The probe sweep against scikit-learn (reference.json probe_sweep): the same split and fold indices, every cell's
 * CV, train and held-out numbers compared. `pick` keeps some layers and settings (cells are independent), for Dawn.
 */
export function probeSweepTests(engine: () => Engine, pick?: { layers: number[]; settings: number[] }): void {
  test('every cell of a layer × setting grid matches scikit-learn on the same folds; the best cell is chosen by CV', async () => {
    const ref = referenceJson().probe_sweep;
    const l = await layers();
    const foldOf = ref.fold_of_row as number[];
    const k = Math.max(...foldOf) + 1;
    const folds = Array.from({ length: k }, (_, f) => ({
      fit: Int32Array.from(l.split.train.filter((r) => foldOf[r] !== f)),
      validation: Int32Array.from(l.split.train.filter((r) => foldOf[r] === f)),
    }));
    const allSettings = ref.settings as SweepSetting[];
    const layerIdx = pick?.layers ?? l.perLayer.map((_, i) => i);
    const settingIdx = pick?.settings ?? allSettings.map((_, j) => j);
    const settings = settingIdx.map((j) => allSettings[j]);
    const inputs = layerIdx.map((i) => ({ name: `layer_${i}`, x: l.perLayer[i], cols: l.cols }));
    const cellsSeen: number[] = [];
    const r = (await sweepProbes(
      engine(),
      inputs,
      l.rows,
      l.labels,
      l.classes,
      l.split,
      folds,
      { logistic: DEFAULT_LOGISTIC, ldaStandardize: true, settings, selectBy: 'accuracy' },
      { samples: 200, seed: 0, level: 0.95 },
      { onCell: (_, i) => cellsSeen.push(i) },
    ))!;
    expect(cellsSeen).toEqual(Array.from({ length: inputs.length * settings.length }, (_, i) => i));
    const expected = (ref.cells as RefCell[][]).map((row) => row.filter((_, j) => settingIdx.includes(j)));
    const validationRows = Math.min(...folds.map((f) => f.validation.length));
    // The logistic probes are f32 on the engine: a row at the boundary may flip, so accuracies agree to one row.
    const oneRow = 1 / validationRows + 1e-9;
    const oneTestRow = 1 / l.split.test.length + 1e-9;
    r.cells.forEach((row, i) =>
      row.forEach((c, j) => {
        const e = expected[layerIdx[i]][j];
        expect(c.layer).toBe(i);
        expect(c.setting).toBe(j);
        expect(Math.abs(c.cv.accuracy.mean! - e.cv_accuracy.mean)).toBeLessThanOrEqual(oneRow);
        expect(Math.abs(c.cv.accuracy.std! - e.cv_accuracy.sd)).toBeLessThanOrEqual(2 * oneRow);
        expect(Math.abs(c.cv.auroc.mean! - e.cv_auroc.mean)).toBeLessThanOrEqual(1e-3);
        expect(Math.abs(c.cv.auroc.std! - e.cv_auroc.sd)).toBeLessThanOrEqual(1e-3);
        expect(Math.abs(c.cv.logLoss.mean! - e.cv_logloss.mean)).toBeLessThanOrEqual(1e-3);
        expect(Math.abs(c.cv.trainAccuracy.mean! - e.cv_fit_accuracy_mean)).toBeLessThanOrEqual(1e-3);
        expect(Math.abs(c.train.accuracy! - e.train_acc)).toBeLessThanOrEqual(1e-3);
        expect(Math.abs(c.test.accuracy! - e.test_acc)).toBeLessThanOrEqual(oneTestRow);
        expect(Math.abs(c.test.auroc! - e.test_auroc)).toBeLessThanOrEqual(1e-3);
        // The percentile interval brackets the point estimate it resamples.
        for (const m of ['accuracy', 'auroc'] as const) {
          const iv = c.testIntervals[m]!;
          expect(iv.low).toBeLessThanOrEqual(c.test[m]!);
          expect(iv.high).toBeGreaterThanOrEqual(c.test[m]!);
          expect(iv.high - iv.low).toBeGreaterThan(0);
        }
        expect(c.model.method).toBe(settings[j].method);
      }),
    );
    // scikit-learn's choice among the same cells: highest mean CV accuracy, ties to the lower CV log-loss.
    let best = { layer: 0, setting: 0 };
    const key = (i: number, j: number) => [
      expected[layerIdx[i]][j].cv_accuracy.mean,
      -expected[layerIdx[i]][j].cv_logloss.mean,
    ];
    inputs.forEach((_, i) =>
      settings.forEach((_, j) => {
        const [a1, a2] = key(i, j);
        const [b1, b2] = key(best.layer, best.setting);
        if (a1 > b1 || (a1 === b1 && a2 > b2)) best = { layer: i, setting: j };
      }),
    );
    expect(r.best).toEqual(best);
    if (!pick) expect(r.best).toEqual(ref.best_by_cv_accuracy);
  }, 600_000);
}
