// The engine inside headless Chromium on its real WebGPU (SwiftShader): the browser path users run, which is
// the raw-WGSL engine (tfjs initialised on the same device beside it).
import { expect, test } from 'vitest';
import { createEngine } from '../../src/engine/create-engine';
import { bytesSource } from '../../src/core/formats/byte-source';
import { openNpz } from '../../src/core/formats/npz';
import { encodeLabels } from '../../src/core/labels/encode-labels';
import { DEFAULT_LOGISTIC, trainLogisticProbe } from '../../src/core/probes/logistic';
import reference from '../../tools/reference/reference.json';
import breastCancerUrl from '../fixtures/breast_cancer.npz?url';

test('Chromium offers a real WebGPU adapter and the engine runs on it', async () => {
  const adapter = await navigator.gpu.requestAdapter();
  expect(adapter).not.toBeNull();
  expect(`${adapter!.info.vendor} ${adapter!.info.architecture}`).toMatch(/google|swiftshader/i);
  const { engine, gpu } = await createEngine('webgpu');
  expect(engine.info.backend).toBe('webgpu');
  expect(engine.info.implementation).toBe('wgsl');
  expect(gpu?.isSoftware).toBe(true);
  expect(gpu!.device.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
});

test('a logistic probe trained on the WGSL engine in the browser matches scikit-learn on breast_cancer', async () => {
  const bytes = new Uint8Array(await (await fetch(breastCancerUrl)).arrayBuffer());
  const entries = await openNpz(bytesSource('breast_cancer.npz', bytes));
  const X = entries.find((e) => e.key === 'X')!;
  const y = encodeLabels(await entries.find((e) => e.key === 'y')!.readF32());
  const ref = reference.breast_cancer;
  const { engine } = await createEngine('webgpu');
  expect(engine.info.implementation).toBe('wgsl');
  const r = await trainLogisticProbe(
    engine,
    { x: await X.readF32(), rows: 569, cols: 30, labels: y.codes, classes: y.classes },
    { train: Int32Array.from(ref.train_idx), test: Int32Array.from(ref.test_idx) },
    { ...DEFAULT_LOGISTIC, C: 1 },
  );
  const expected = ref.logreg_C1;
  let dot = 0,
    na = 0,
    nb = 0;
  r.probe.weights.forEach((w, i) => {
    dot += w * expected.coef[i];
    na += w * w;
    nb += expected.coef[i] ** 2;
  });
  expect(dot / Math.sqrt(na * nb)).toBeGreaterThanOrEqual(0.999);
  expect(Math.abs(r.test.accuracy! - expected.test_acc)).toBeLessThanOrEqual(1e-3);
  expect(Math.abs(r.test.auroc! - expected.test_auroc)).toBeLessThanOrEqual(1e-3);
});
