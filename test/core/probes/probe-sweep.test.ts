// The probe sweep (layer × setting, shared CV folds) against scikit-learn on layers_LND.npy: the same split and
// the same fold indices as tools/reference/sklearn_reference.py's probe_sweep, every cell's numbers compared.
import { beforeAll, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { sweepProbes, type SweepSetting } from '../../../src/core/probes/probe-sweep';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';
import { referenceJson } from '../../support/fixtures';
import { layers } from './datasets';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('cpu')).engine;
});

interface RefCell {
  cv_accuracy: { mean: number; sd: number };
  cv_auroc: { mean: number; sd: number };
  cv_logloss: { mean: number; sd: number };
  cv_fit_accuracy_mean: number;
  train_acc: number;
  test_acc: number;
  test_auroc: number;
}

test('every cell of a layer × C (and LDA) grid matches scikit-learn on the same folds; the best cell is chosen by CV', async () => {
  const ref = referenceJson().probe_sweep;
  const l = await layers();
  const foldOf = ref.fold_of_row as number[];
  const k = Math.max(...foldOf) + 1;
  const folds = Array.from({ length: k }, (_, f) => ({
    fit: Int32Array.from(l.split.train.filter((r) => foldOf[r] !== f)),
    validation: Int32Array.from(l.split.train.filter((r) => foldOf[r] === f)),
  }));
  const settings = ref.settings as SweepSetting[];
  const inputs = l.perLayer.map((x, i) => ({ name: `layer_${i}`, x, cols: l.cols }));
  const cellsSeen: number[] = [];
  const r = (await sweepProbes(
    engine,
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
  const expected = ref.cells as RefCell[][];
  const validationRows = Math.min(...folds.map((f) => f.validation.length));
  // The logistic probes are f32 on the engine: a row at the boundary may flip, so accuracies agree to one row.
  const oneRow = 1 / validationRows + 1e-9;
  const oneTestRow = 1 / l.split.test.length + 1e-9;
  r.cells.forEach((row, i) =>
    row.forEach((c, j) => {
      const e = expected[i][j];
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
  expect(r.best).toEqual(ref.best_by_cv_accuracy);
}, 300_000);

test('a sweep refuses an empty grid, fewer than two folds and a bad C', async () => {
  const l = await layers();
  const inputs = [{ name: 'layer_0', x: l.perLayer[0], cols: l.cols }];
  const folds = [{ fit: l.split.train.slice(0, 100), validation: l.split.train.slice(100, 200) }];
  const config = { logistic: DEFAULT_LOGISTIC, ldaStandardize: true, selectBy: 'accuracy' as const };
  const run = (settings: SweepSetting[], f = [...folds, ...folds]) =>
    sweepProbes(engine, inputs, l.rows, l.labels, l.classes, l.split, f, { ...config, settings }, {});
  await expect(run([])).rejects.toThrow(/at least one setting/);
  await expect(run([{ method: 'logistic', C: 1 }], folds)).rejects.toThrow(/at least 2 folds/);
  await expect(run([{ method: 'logistic', C: -1 }])).rejects.toThrow(/invalid C at grid position 0/);
});
