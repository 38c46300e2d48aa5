// A learning rate far too large: the run stops at the step that produced NaN/Inf and keeps finite weights.
import { expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import { DEFAULT_LOGISTIC, trainLogisticProbe } from '../../../src/core/probes/logistic';
import { readNpyF32 } from '../../support/fixtures';
import { encodeLabels } from '../../../src/core/labels/encode-labels';

test('Adam with an absurd learning rate stops on divergence, names the step and keeps the last finite probe', async () => {
  const { engine } = await createEngine('cpu');
  const x = await readNpyF32('digits_f32.npy');
  const y = encodeLabels((await readNpyF32('digits_labels.npy')).data);
  const rows = Int32Array.from({ length: 400 }, (_, i) => i);
  const r = await trainLogisticProbe(
    engine,
    { x: x.data, rows: 1797, cols: 64, labels: y.codes, classes: y.classes },
    { train: rows.subarray(0, 300), test: rows.subarray(300) },
    { ...DEFAULT_LOGISTIC, optimizer: 'adam', learningRate: 1e38, maxIter: 50, standardize: false },
  );
  expect(r.reason).toBe('non-finite');
  expect(r.divergedAt).toBeGreaterThanOrEqual(1);
  expect(r.divergedAt).toBeLessThanOrEqual(3);
  expect(r.iterations).toBe(r.divergedAt! - 1);
  expect(r.probe.weights.every(Number.isFinite)).toBe(true);
  expect(r.test.accuracy).not.toBeNull();
});
