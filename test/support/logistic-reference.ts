// The logistic-probe reference cases (scikit-learn results in reference.json), written once and run on
// every engine: tfjs CPU in Node, WebGPU on Dawn in Node.
import { expect, test } from 'vitest';
import type { Engine } from '../../src/core/engine/engine';
import { encodeLabels } from '../../src/core/labels/encode-labels';
import { DEFAULT_LOGISTIC, trainLogisticProbe, type ProbeDataset } from '../../src/core/probes/logistic';
import { bytesSource } from '../../src/core/formats/byte-source';
import { openNpz } from '../../src/core/formats/npz';
import { cosine, fixtureBytes, readNpyF32, referenceJson } from './fixtures';

async function breastCancer(): Promise<ProbeDataset> {
  const entries = await openNpz(bytesSource('breast_cancer.npz', fixtureBytes('breast_cancer.npz')));
  const X = entries.find((e) => e.key === 'X')!;
  const y = entries.find((e) => e.key === 'y')!;
  const { codes, classes } = encodeLabels(await y.readF32());
  return { x: await X.readF32(), rows: X.shape[0], cols: X.shape[1], labels: codes, classes };
}

async function digits(): Promise<ProbeDataset> {
  const x = await readNpyF32('digits_f32.npy');
  const y = await readNpyF32('digits_labels.npy');
  const { codes, classes } = encodeLabels(y.data);
  return { x: x.data, rows: x.shape[0], cols: x.shape[1], labels: codes, classes };
}

const splitOf = (ref: { train_idx: number[]; test_idx: number[] }) => ({
  train: Int32Array.from(ref.train_idx),
  test: Int32Array.from(ref.test_idx),
});

export function logisticReferenceTests(engine: () => Engine): void {
  for (const C of [0.01, 1, 100]) {
    test(`binary probe on breast_cancer at C=${C} matches scikit-learn`, async () => {
      const ref = referenceJson().breast_cancer;
      const expected = ref[`logreg_C${C}`];
      const r = await trainLogisticProbe(engine(), await breastCancer(), splitOf(ref), { ...DEFAULT_LOGISTIC, C });
      expect(r.reason).not.toBe('max-iter');
      expect(cosine(r.probe.weights, expected.coef)).toBeGreaterThanOrEqual(0.999);
      expect(Math.abs(r.test.accuracy! - expected.test_acc)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(r.test.auroc! - expected.test_auroc)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(r.train.accuracy! - expected.train_acc)).toBeLessThanOrEqual(1e-3);
      expect(r.probe.lambdaMeanLoss).toBeCloseTo(1 / (2 * C * ref.train_idx.length), 12);
      if (C <= 1) {
        // Away from near-separable regimes the optimum is sharp: probabilities agree closely too.
        expect(r.test.logLoss!).toBeCloseTo(expected.test_logloss, 3);
        const p1 = Array.from({ length: 10 }, (_, i) => r.testProba[2 * i + 1]);
        p1.forEach((p, i) => expect(Math.abs(p - expected.test_proba_first10[i])).toBeLessThan(2e-3));
      }
    });
  }

  test('multinomial probe on digits at C=1 matches scikit-learn', async () => {
    const ref = referenceJson().digits;
    const expected = ref.multinomial_logreg_C1;
    const r = await trainLogisticProbe(engine(), await digits(), splitOf(ref), { ...DEFAULT_LOGISTIC, C: 1 });
    expect(r.probe.outputs).toBe(10);
    // Ours is W [64, 10]; scikit-learn's coef_ is [10, 64].
    const ours = Array.from({ length: 640 }, (_, i) => r.probe.weights[(i % 64) * 10 + Math.floor(i / 64)]);
    expect(cosine(ours, (expected.coef as number[][]).flat())).toBeGreaterThanOrEqual(0.999);
    expect(Math.abs(r.test.accuracy! - expected.test_acc)).toBeLessThanOrEqual(1e-3);
    expect(Math.abs(r.train.accuracy! - expected.train_acc)).toBeLessThanOrEqual(1e-3);
    expect(r.test.logLoss!).toBeCloseTo(expected.test_logloss, 2);
  });
}
