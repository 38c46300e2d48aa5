// The probe sweep on the tfjs CPU backend: the whole reference grid against scikit-learn, and its refusals.
import { beforeAll, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { sweepProbes, type SweepSetting } from '../../../src/core/probes/probe-sweep';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';
import { layers } from './datasets';
import { probeSweepTests } from './suite-reference';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('cpu')).engine;
});

probeSweepTests(() => engine);

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
