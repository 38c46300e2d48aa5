// The WGSL engine's workloads equal the tfjs-webgpu reference on the same device: scores on odd shapes with X
// split into several small chunks, the many-class objective, the centred moments and kNN (all WGSL) on chunked X.
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import type { WgslMatrix } from '../../../src/engine/wgsl/steps/linear-objective';
import { outputBlocks } from '../../../src/engine/wgsl/steps/linear-scores';
import { expectClose, randn, rng } from './helpers';

// 1 KiB chunks: a few dozen rows each, so every shape below but the 1-row one spans several buffers.
const CHUNK_BYTES = 1024;
const chunksOf = (m: unknown) => (m as { gpu: WgslMatrix }).gpu.chunks.length;
let wgsl: Engine;
let tfjs: Engine;
let device: GPUDevice;
beforeAll(async () => {
  const started = await createEngine('webgpu', { wgsl: { maxChunkBytes: CHUNK_BYTES } });
  wgsl = started.engine;
  device = started.gpu!.device;
  tfjs = (await createEngine('tfjs-webgpu')).engine;
});

/** Runs body in a validation error scope and fails on any WebGPU validation error. */
async function noGpuErrors<T>(body: () => Promise<T>): Promise<T> {
  device.pushErrorScope('validation');
  const out = await body();
  expect((await device.popErrorScope())?.message ?? null).toBeNull();
  return out;
}

function data(rows: number, cols: number, outputs: number, seed: number) {
  const r = rng(seed);
  return { x: randn(rows * cols, r), params: randn(cols * outputs + outputs, r, 0.5) };
}

describe('WGSL engine against tfjs-webgpu on the same device', () => {
  test('both engines run on one real WebGPU adapter', () => {
    expect(wgsl.info.implementation).toBe('wgsl');
    expect(tfjs.info.implementation).toBe('tfjs-webgpu');
    expect(wgsl.info.adapter).toBe(tfjs.info.adapter);
    expect(device.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
  });

  test('outputs are scored in blocks of at most 8', () => {
    expect(outputBlocks(1)).toEqual([[0, 1]]);
    expect(outputBlocks(8)).toEqual([[0, 8]]);
    expect(outputBlocks(19)).toEqual([
      [0, 8],
      [8, 8],
      [16, 3],
    ]);
  });

  // Up to 128 columns rows are scored one per thread; the last two shapes take the 32-lanes-per-row kernel.
  for (const [rows, cols, outputs] of [
    [1, 5, 1],
    [97, 7, 1],
    [203, 12, 3],
    [150, 9, 19],
    [41, 150, 3],
    [9, 250, 19],
  ] as const) {
    test(`linearScores match on ${rows}×${cols} with ${outputs} outputs across chunks`, async () => {
      const { x, params } = data(rows, cols, outputs, rows + cols + outputs);
      const a = wgsl.uploadMatrix(x, rows, cols);
      const b = tfjs.uploadMatrix(x, rows, cols);
      expect(chunksOf(a)).toBe(Math.ceil(rows / Math.floor(CHUNK_BYTES / (cols * 4))));
      const got = await noGpuErrors(() => wgsl.linearScores(a, params, outputs));
      const want = await tfjs.linearScores(b, params, outputs);
      expectClose(got, want, 1e-5, 'scores');
      a.dispose();
      b.dispose();
    });
  }

  test('a multinomial objective over 17 classes (the matmul path) matches tfjs', async () => {
    const rows = 120,
      cols = 6,
      K = 17;
    const { x, params } = data(rows, cols, K, 5);
    const targets = Int32Array.from({ length: rows }, (_, i) => (i * 7) % K);
    const a = wgsl.uploadMatrix(x, rows, cols);
    const b = tfjs.uploadMatrix(x, rows, cols);
    expect(chunksOf(a)).toBeGreaterThan(1);
    const oa = wgsl.linearObjective(a, targets, K);
    const ob = tfjs.linearObjective(b, targets, K);
    const got = await noGpuErrors(() => oa.evaluate(params));
    const want = await ob.evaluate(params);
    expect(got.loss / want.loss).toBeCloseTo(1, 5);
    expectClose(got.grad, want.grad, 1e-5, 'gradient');
    oa.dispose();
    ob.dispose();
    a.dispose();
    b.dispose();
  });

  test('centredGram and rowQuadraticForm (WGSL row blocks) on chunked X equal tfjs', async () => {
    const rows = 90,
      cols = 5;
    const { x } = data(rows, cols, 1, 6);
    const mean = Float64Array.from({ length: cols }, (_, j) => 0.1 * j);
    const m = Float64Array.from({ length: cols * cols }, (_, i) => (i % (cols + 1) === 0 ? 2 : 0.1));
    const a = wgsl.uploadMatrix(x, rows, cols);
    const b = tfjs.uploadMatrix(x, rows, cols);
    expect(chunksOf(a)).toBeGreaterThan(1);
    const [ga, gb] = [await noGpuErrors(() => wgsl.centredGram(a, mean)), await tfjs.centredGram(b, mean)];
    expectClose(ga.scatter, gb.scatter, 1e-5, 'scatter');
    expect(ga.sumNormFourth / gb.sumNormFourth).toBeCloseTo(1, 5);
    expectClose(
      await wgsl.rowQuadraticForm(a, mean, m),
      await tfjs.rowQuadraticForm(b, mean, m),
      1e-5,
      'quadratic form',
    );
    a.dispose();
    b.dispose();
  });

  test('knnCosine with X over several chunks (and excluding each row itself) equals tfjs', async () => {
    const rows = 130,
      cols = 6;
    const { x } = data(rows, cols, 1, 7);
    const a = wgsl.uploadMatrix(x, rows, cols);
    const b = tfjs.uploadMatrix(x, rows, cols);
    expect(chunksOf(a)).toBeGreaterThan(2);
    const ids = Int32Array.from({ length: rows }, (_, i) => i);
    const opts = { excludeSelf: { trustedIds: ids, queryIds: ids } };
    expectClose(
      await noGpuErrors(() => wgsl.knnCosine(a, a, 3, opts)),
      await tfjs.knnCosine(b, b, 3, opts),
      1e-5,
      'kNN distances',
    );
    a.dispose();
    b.dispose();
  });

  test('a matrix from the other engine is refused', () => {
    const b = tfjs.uploadMatrix(new Float32Array(4), 2, 2);
    expect(() => wgsl.linearObjective(b, new Int32Array(2), 1)).toThrow(/different engine/);
    b.dispose();
  });
});
