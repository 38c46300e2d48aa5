import { beforeAll, expect, test } from 'vitest';
import { exportRun, importRun, type RunRecord, type RunResult } from '../../../src/ui/runs/run-record';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';
import { DEFAULT_SAE_CONFIG } from '../../../src/core/sae/config';
import { DEFAULT_SUITE_SETTINGS } from '../../../src/ui/runs/suite-settings';
import { DatasetStore } from '../../../src/jobs/dataset-store';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { runProbeSuiteJob } from '../../../src/jobs/probe-suite-job';
import type { Engine } from '../../../src/core/engine/engine';
import { probeToSafetensors } from '../../../src/core/probes/probe-export';
import { summarizeRun } from '../../../src/ui/runs/run-metrics';
import { fixtureBytes, referenceJson } from '../../support/fixtures';
import {
  DEFAULT_SUITE_EVAL,
  type ProbeSuiteResult,
  type SaeResultSummary,
  type SaeSweepResult,
} from '../../../src/protocol';
import { keepSweep } from '../../../src/ui/sae/kept-sweep';

const ENGINE = { backend: 'webgpu', implementation: 'tfjs-webgpu', adapter: 'x', precision: 'f32' } as const;

function logisticRun(): RunRecord {
  const weights = Float64Array.from([0.1, -0, 1e-310, Math.PI, -2.5e300]);
  return {
    id: 'r1',
    name: 'C=1 on breast_cancer',
    createdAt: 1_700_000_000_000,
    setup: {
      version: 1,
      method: 'logistic',
      config: DEFAULT_LOGISTIC,
      split: { kind: 'random', testFraction: 0.25, seed: 0, stratify: true },
      data: {},
    },
    engine: ENGINE,
    progress: {
      fields: ['iteration', 'testAuroc'],
      columns: [
        [1, 2],
        [0.5, null],
      ],
    },
    result: {
      method: 'logistic',
      classes: ['0', '1'],
      outputs: 1,
      cols: 5,
      weights,
      intercept: Float64Array.from([0.3]),
      mean: new Float64Array(5),
      scale: new Float64Array(5).fill(1),
      train: { accuracy: 1, auroc: null, logLoss: 0.1, rows: 10 },
      test: { accuracy: 0.9, auroc: 0.95, logLoss: 0.2, rows: 5 },
      iterations: 12,
      reason: 'converged',
      gradMax: 1e-7,
      lambdaMeanLoss: 0.05,
      elapsedMs: 10,
      trainRows: 10,
      testRows: 5,
    },
  };
}

/** Deep equality where numbers compare with Object.is (-0 ≠ 0, NaN = NaN) and typed arrays byte for byte, same type. */
function expectBitExact(a: unknown, b: unknown, path = 'run'): void {
  if (ArrayBuffer.isView(a)) {
    expect(b?.constructor, path).toBe(a.constructor);
    const bytes = (v: ArrayBufferView) => Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    expect(bytes(b as ArrayBufferView), path).toEqual(bytes(a));
  } else if (typeof a === 'number') {
    expect(Object.is(a, b), `${path}: ${a} vs ${b}`).toBe(true);
  } else if (a && typeof a === 'object') {
    expect(typeof b, path).toBe('object');
    const keys = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    expect(
      Object.keys(b as object)
        .filter((k) => (b as Record<string, unknown>)[k] !== undefined)
        .sort(),
      path,
    ).toEqual(keys.sort());
    for (const k of keys)
      expectBitExact((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
  } else {
    expect(b, path).toBe(a);
  }
}

let lda: ProbeSuiteResult;
beforeAll(async () => {
  const store = new DatasetStore();
  await store.open('breast_cancer.npz', bytesSource('breast_cancer.npz', fixtureBytes('breast_cancer.npz')));
  const ref = referenceJson().breast_cancer;
  // LDA is closed-form on the page's side of the worker: it never touches the engine.
  lda = (await runProbeSuiteJob(
    null as unknown as Engine,
    store,
    {
      method: 'lda',
      config: { shrinkage: 'ledoit-wolf', standardize: true },
      eval: { ...DEFAULT_SUITE_EVAL, bootstrap: { samples: 50, seed: 0, level: 0.95 }, platt: true },
      data: {
        activations: { fileId: 'breast_cancer.npz', key: 'X' },
        labels: { fileId: 'breast_cancer.npz', key: 'y' },
        split: { kind: 'explicit', train: ref.train_idx, test: ref.test_idx, source: 'reference.json' },
      },
    },
    { onStart: () => {}, onProgress: () => {}, isCancelled: () => false },
  ))!;
});

function suiteRun(): RunRecord {
  return {
    id: 'r2',
    name: 'lda',
    createdAt: 1_700_000_000_001,
    engine: ENGINE,
    setup: {
      version: 1,
      method: 'suite',
      suite: { ...DEFAULT_SUITE_SETTINGS, method: 'lda' },
      split: { kind: 'file', fileName: 'split.json' },
      data: {
        activations: { fileName: 'breast_cancer.npz', key: 'X' },
        labels: { fileName: 'breast_cancer.npz', key: 'y' },
      },
    },
    progress: { fields: [], columns: [] },
    result: { method: 'suite', result: lda },
  };
}

function saeRun(): RunRecord {
  const metrics = (fvu: number) => ({
    rows: 100,
    mse: 0.1,
    fvu,
    explainedVariance: 1 - fvu,
    l0: 31.5,
    l1: 4,
    cosine: 0.9,
    relativeBias: -0,
  });
  const result = {
    kind: 'trained',
    architecture: 'topk',
    dIn: 4,
    dSae: 8,
    k: 2,
    config: DEFAULT_SAE_CONFIG,
    implementation: 'wgsl',
    stop: { reason: 'steps' },
    steps: 10,
    elapsedMs: 5,
    trainRows: 90,
    testRows: 10,
    scale: 1.25,
    train: metrics(0.2),
    test: metrics(0.25),
    testFires: Float64Array.from([0, 1, NaN, Infinity]),
    density: { edges: [-Infinity, -3, 0], counts: Int32Array.from([1, 2]) },
    deadFraction: null,
    deadWindowRows: null,
    liveLatents: 7,
    frequentLatents: 3,
    decoderNorms: Float64Array.from([1, 1, -0]),
    decoderNormHistogram: { edges: [0, 1], counts: [3] },
    weights: {
      architecture: 'topk',
      dIn: 4,
      dSae: 8,
      k: 2,
      wEnc: Float32Array.from({ length: 32 }, (_, i) => i / 7),
      bEnc: new Float32Array(8),
      wDec: Float32Array.from([NaN, -0, 1e-40]),
      bDec: new Float32Array(4),
    },
    // Safetensors bytes as an SAE summary may carry them: Uint8Array must come back as Uint8Array.
    safetensors: Uint8Array.from([0, 255, 128, 7]),
  } as unknown as SaeResultSummary;
  return {
    id: 'r3',
    name: 'sae',
    createdAt: 1_700_000_000_002,
    engine: ENGINE,
    setup: {
      version: 1,
      method: 'sae',
      config: DEFAULT_SAE_CONFIG,
      split: { kind: 'random', testFraction: 0.1, seed: 0, stratify: false },
      data: {},
    },
    progress: {
      fields: ['step', 'testFvu', 'testL0'],
      columns: [
        [1, 2],
        [0.5, NaN],
        [3, null],
      ],
    },
    result: { method: 'sae', result },
  };
}

test('an exported logistic run re-imports bit-exactly, typed arrays and undefined metrics included', () => {
  const original = logisticRun();
  const back = importRun(exportRun(original), 'run.json');
  expect(back).toEqual(original);
  expectBitExact(original, back);
  const weights = (r: RunResult) => (r.method === 'logistic' ? r.weights : null);
  expect(Object.is(weights(back.result)![1], -0)).toBe(true);
  expect(back.result.method === 'logistic' && back.result.train.auroc).toBeNull();
});

test('a probe-suite LDA run (model, per-row probabilities, intervals, ROC, histograms, Platt) round-trips bit-exactly', () => {
  const original = suiteRun();
  const back = importRun(exportRun(original), 'lda.probelab-run.json');
  expectBitExact(original, back);
  // The re-imported model exports the same safetensors bytes.
  const model = (r: RunResult) => (r.method === 'suite' && r.result.method === 'lda' ? r.result.model : null)!;
  expect(Array.from(probeToSafetensors(model(back.result)))).toEqual(
    Array.from(probeToSafetensors(model(original.result))),
  );
  expect(summarizeRun(back.result)).toEqual(summarizeRun(original.result));
});

test('an SAE run round-trips bit-exactly: f32 weights, NaN, ±Infinity, -0 and Uint8Array bytes', () => {
  const original = saeRun();
  const back = importRun(exportRun(original), 'sae.json');
  expectBitExact(original, back);
  const s = summarizeRun(back.result);
  expect(s.metrics.map((m) => [m.label, m.train, m.test])).toEqual([
    ['FVU', 0.2, 0.25],
    ['L0', 31.5, 31.5],
  ]);
});

test('the run list summarises each method with train beside held-out', () => {
  expect(summarizeRun(logisticRun().result).metrics[0]).toEqual({ label: 'accuracy', train: 1, test: 0.9 });
  const lda = summarizeRun(suiteRun().result);
  expect(lda.method).toBe('lda');
  expect(lda.metrics.map((m) => m.label)).toEqual(['accuracy', 'AUROC']);
  expect(lda.metrics[0].test).toBeCloseTo(referenceJson().breast_cancer.lda.test_acc, 1);
});

test('a corrupted or foreign import gets a clear error naming the file', () => {
  expect(() => importRun('{"format":"other"}', 'x.json')).toThrow(/x.json: not a Probelab run export/);
  expect(() => importRun('{"format":"probelab-run","version":1,"run":{"id":"a"}}', 'y.json')).toThrow(
    /y.json: the run is missing name/,
  );
  expect(() => importRun(exportRun(logisticRun()).slice(0, 200), 'cut.json')).toThrow(/cut.json/);
  const badTyped = exportRun(logisticRun()).replace('"$typed": "f64"', '"$typed": "f65"');
  expect(() => importRun(badTyped, 'z.json')).toThrow(/unknown typed-array kind/);
  const badMethod = exportRun({ ...logisticRun(), result: { method: 'svm' } as unknown as RunResult });
  expect(() => importRun(badMethod, 'm.json')).toThrow(/m.json: the run's result has an unknown method "svm"/);
  const badSetup = exportRun({
    ...suiteRun(),
    setup: { ...suiteRun().setup, method: 'magic' } as unknown as RunRecord['setup'],
  });
  expect(() => importRun(badSetup, 's.json')).toThrow(/s.json: the run's setup names an unknown method "magic"/);
});

test('a probe-sweep run keeps its whole grid (every cell, its probe and intervals) and lists grid, size and best cell', async () => {
  const store = new DatasetStore();
  await store.open('layers.safetensors', bytesSource('layers.safetensors', fixtureBytes('layers.safetensors')));
  const ref = referenceJson().layers;
  // LDA cells are closed-form: the sweep never touches the engine.
  const sweep = (await runProbeSuiteJob(
    null as unknown as Engine,
    store,
    {
      method: 'probe-sweep',
      eval: { ...DEFAULT_SUITE_EVAL, bootstrap: { samples: 50, seed: 0, level: 0.95 } },
      config: {
        logistic: DEFAULT_LOGISTIC,
        ldaStandardize: true,
        settings: [
          { method: 'lda', shrinkage: 0.1 },
          { method: 'lda', shrinkage: 0.9 },
        ],
        selectBy: 'accuracy',
        folds: 2,
        seed: 0,
      },
      data: {
        layers: [0, 5].map((i) => ({
          name: `layer_${i}`,
          activations: { fileId: 'layers.safetensors', key: `layer_${i}` },
        })),
        labels: { fileId: 'layers.safetensors', key: 'labels' },
        split: { kind: 'explicit', train: ref.train_idx, test: ref.test_idx, source: 'reference.json' },
      },
    },
    { onStart: () => {}, onProgress: () => {}, isCancelled: () => false },
  ))!;
  const original: RunRecord = {
    ...suiteRun(),
    id: 'r4',
    name: 'probe sweep',
    setup: {
      version: 1,
      method: 'suite',
      suite: {
        ...DEFAULT_SUITE_SETTINGS,
        method: 'probe-sweep',
        probeSweep: { Cs: [], ldaShrinkages: [0.1, 0.9], folds: 2, seed: 0, selectBy: 'accuracy' },
      },
      split: { kind: 'file', fileName: 'split.json' },
      data: { activations: { fileName: 'layers.safetensors', key: 'layer_0' } },
    },
    result: { method: 'suite', result: sweep },
  };
  const back = importRun(exportRun(original), 'sweep.probelab-run.json');
  expectBitExact(original, back);
  const r = back.result.method === 'suite' && back.result.result.method === 'probe-sweep' ? back.result.result : null;
  expect(r!.cells.flat()).toHaveLength(4);
  // Every cell's probe comes back and scores as before: the heat map's cells can still be exported.
  const cell = r!.cells[1][0];
  const orig = (sweep as Extract<ProbeSuiteResult, { method: 'probe-sweep' }>).cells[1][0];
  expect(Array.from(probeToSafetensors(cell.model))).toEqual(Array.from(probeToSafetensors(orig.model)));
  const s = summarizeRun(back.result);
  expect(s.grid).toEqual({ text: '2 layers × lda shrinkage=0.1, lda shrinkage=0.9', size: 4 });
  const best = r!.cells[r!.best.layer][r!.best.setting];
  expect(s.detail).toContain(`best cell ${r!.names[r!.best.layer]}`);
  // The held-out numbers listed are the best cell's.
  expect(s.metrics[0].test).toBeCloseTo(best.test.accuracy!, 12);
  expect(s.metrics[1].test).toBeCloseTo(best.test.auroc!, 12);
});

test('an SAE sweep run keeps the grid and every member’s final metrics but no weights, and round-trips', () => {
  const summary = (saeRun().result as { result: SaeResultSummary }).result;
  const member = (id: number, label: string, fvu: number, l0: number) => ({
    member: {
      id,
      point: {},
      label,
      slug: label.replace(/\W+/g, '_'),
      config: { ...DEFAULT_SAE_CONFIG, seed: id },
      addedLive: false,
    },
    stop: { reason: 'done' as const },
    summary: { ...summary, test: { ...summary.test, fvu, l0 }, deadFraction: id / 10 },
  });
  const result: SaeSweepResult = {
    implementation: 'wgsl-fused',
    elapsedMs: 12,
    batches: 3,
    members: [
      member(0, 'k=4 d-sae=32', 0.5, 4),
      member(1, 'k=8 d-sae=32', 0.3, 8),
      member(2, 'k=4 d-sae=64', 0.6, 5),
      { ...member(3, 'k=8 d-sae=64', 0, 0), stop: { reason: 'stopped', step: 2 }, summary: null },
    ],
  };
  const kept = keepSweep(result, ['k=4,8', 'd-sae=32,64']);
  const original: RunRecord = {
    id: 'r5',
    name: 'sae sweep',
    createdAt: 1_700_000_000_005,
    engine: ENGINE,
    setup: {
      version: 1,
      method: 'sae-sweep',
      config: DEFAULT_SAE_CONFIG,
      grid: ['k=4,8', 'd-sae=32,64'],
      split: { kind: 'random', testFraction: 0.1, seed: 0, stratify: false },
      data: {},
    },
    progress: { fields: [], columns: [] },
    result: { method: 'sae-sweep', result: kept },
  };
  const text = exportRun(original);
  // No weights, SAELens bytes or per-latent arrays travel with it.
  for (const heavy of ['wEnc', 'saeLens', 'testFires', 'decoderNorms', 'features']) expect(text).not.toContain(heavy);
  const back = importRun(text, 'sweep.json');
  expectBitExact(original, back);
  const s = summarizeRun(back.result);
  expect(s.method).toBe('sae sweep');
  expect(s.grid).toEqual({ text: 'k=4,8 × d-sae=32,64', size: 4 });
  // Lowest held-out FVU among finished members: k=8 d-sae=32 (0.3); the stopped member is left out.
  expect(s.metrics.map((m) => [m.label, m.test])).toEqual([
    ['FVU', 0.3],
    ['L0', 8],
  ]);
  // Frontier by hand: (L0 4, FVU 0.5) and (8, 0.3) are on it; (5, 0.6) is beaten by (4, 0.5).
  expect(s.detail).toBe('lowest held-out FVU: k=8 d-sae=32 · 2 of 3 finished members on the L0–FVU frontier');
  expect(s.note).toMatch(/weights are not kept/);
});
