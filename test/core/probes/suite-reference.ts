// Probe-suite reference cases written once and run on every engine (tfjs CPU in Node here, WebGPU on Dawn in
// suite-engine.dawn.test.ts): LDA scored through the engine, and the per-layer logistic sweep against scikit-learn.
import { expect, test } from 'vitest';
import type { Engine } from '../../../src/core/engine/engine';
import { fitLda } from '../../../src/core/probes/lda';
import { applyProbeOnEngine } from '../../../src/core/probes/apply-on-engine';
import { sweepLayers } from '../../../src/core/probes/layer-sweep';
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
