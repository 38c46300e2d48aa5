// The WGSL LinearObjective returns the same summed loss and gradient as an f64 CPU computation (binary and softmax),
// and wgslLinearScores the same scores, in both row layouts (32 lanes per row, and one thread per row).
import { describe, expect, it } from 'vitest';
import {
  createWgslLinearObjective,
  layoutFor,
  rowsPerGroup,
  uploadWgslMatrix,
  type RowLayout,
} from '../../../../src/engine/wgsl/steps/linear-objective';
import {
  narrowRowsPerGroup,
  narrowScoreGroups,
  NARROW_MAX_COLS,
} from '../../../../src/engine/wgsl/kernels/linear-narrow';
import { wgslLinearScores } from '../../../../src/engine/wgsl/steps/linear-scores';
import { createWgslMatmulObjective } from '../../../../src/engine/wgsl/steps/linear-objective-matmul';
import { expectClose, noGpuErrors, randn, realDevice, rng } from '../helpers';

function cpuObjective(
  x: Float32Array,
  N: number,
  d: number,
  y: Int32Array,
  K: number,
  params: Float32Array,
  s?: Float32Array,
) {
  const grad = new Float64Array(d * K + K);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const z = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let t = params[d * K + k];
      for (let c = 0; c < d; c++) t += x[i * d + c] * params[c * K + k];
      z[k] = t;
    }
    const w = s ? s[i] : 1;
    const g = new Float64Array(K);
    if (K === 1) {
      loss += w * (Math.log1p(Math.exp(-Math.abs(z[0]))) + Math.max(z[0], 0) - y[i] * z[0]);
      g[0] = w * (1 / (1 + Math.exp(-z[0])) - y[i]);
    } else {
      const mx = Math.max(...z);
      const se = z.reduce((a, v) => a + Math.exp(v - mx), 0);
      loss += w * (mx + Math.log(se) - z[y[i]]);
      for (let k = 0; k < K; k++) g[k] = w * (Math.exp(z[k] - mx) / se - (k === y[i] ? 1 : 0));
    }
    for (let k = 0; k < K; k++) {
      grad[d * K + k] += g[k];
      for (let c = 0; c < d; c++) grad[c * K + k] += x[i * d + c] * g[k];
    }
  }
  return { loss, grad };
}

async function check(
  N: number,
  d: number,
  K: number,
  seed: number,
  layout: RowLayout,
  opts: { weights?: boolean; chunkBytes?: number } = {},
) {
  const { device } = await realDevice();
  const r = rng(seed);
  const x = randn(N * d, r);
  const y = Int32Array.from({ length: N }, () => Math.floor(r() * Math.max(2, K)));
  const params = randn(d * K + K, r, 0.3);
  const s = opts.weights ? Float32Array.from({ length: N }, () => 0.5 + r()) : undefined;
  const X = uploadWgslMatrix(device, x, N, d, opts.chunkBytes);
  if (opts.chunkBytes) expect(X.chunks.length).toBeGreaterThan(1);
  const obj = createWgslLinearObjective(device, X, y, K, s, layout);
  const got = await noGpuErrors(device, () => obj.evaluate(params));
  const want = cpuObjective(x, N, d, y, K, params, s);
  expect(got.loss / want.loss).toBeCloseTo(1, 5);
  expectClose(got.grad, want.grad, 1e-5 * Math.sqrt(N), 'gradient');
  const scores = await noGpuErrors(device, () => wgslLinearScores(device, X, params, K, layout));
  expectClose(scores, cpuScores(x, N, d, K, params), 1e-5, 'scores');
  obj.dispose();
  X.dispose();
}

function cpuScores(x: Float32Array, N: number, d: number, K: number, params: Float32Array): Float64Array {
  const z = new Float64Array(N * K);
  for (let i = 0; i < N; i++)
    for (let k = 0; k < K; k++) {
      let t = params[d * K + k];
      for (let c = 0; c < d; c++) t += x[i * d + c] * params[c * K + k];
      z[i * K + k] = t;
    }
  return z;
}

describe.each(['wide', 'narrow'] as const)(
  'WGSL linear objective and scores (f32), %s rows, on real WebGPU',
  (layout) => {
    it('binary logistic matches f64 (vec4 rows)', () => check(300, 12, 1, 31, layout));
    it('binary logistic matches f64 with row weights and odd width', () =>
      check(123, 7, 1, 32, layout, { weights: true }));
    it('softmax over 5 classes matches f64', () => check(200, 16, 5, 33, layout));
    it('softmax over 16 classes with more gradient entries than threads matches f64', () =>
      check(150, 20, 16, 36, layout));
    it('many sub-blocks per workgroup (large N) match f64', () => check(9000, 4, 1, 35, layout));
    it('row chunks across several buffers sum to the same objective', () =>
      check(260, 8, 3, 34, layout, { chunkBytes: 64 * 8 * 4 }));
  },
);

describe('WGSL linear objective layouts', () => {
  it('picks one thread per row up to 128 columns and 32 lanes per row beyond', () => {
    expect(NARROW_MAX_COLS).toBe(128);
    expect(layoutFor(64)).toBe('narrow');
    expect(layoutFor(128)).toBe('narrow');
    expect(layoutFor(129)).toBe('wide');
    expect(layoutFor(768)).toBe('wide');
  });
  it('narrow: over 131,072 rows, each workgroup loops over several 128-row blocks and still matches f64', () => {
    expect(narrowRowsPerGroup(140_000)).toBe(256);
    return check(140_000, 2, 1, 38, 'narrow');
  });
  it('a wide matrix (160 columns, 3 classes) matches f64 under the default layout', () =>
    check(90, 160, 3, 37, layoutFor(160)));
  it('rejects a target outside the classes, naming the row', async () => {
    const { device } = await realDevice();
    const X = uploadWgslMatrix(device, new Float32Array(8), 4, 2);
    expect(() => createWgslLinearObjective(device, X, Int32Array.from([0, 1, 2, 0]), 1)).toThrow(/row 2: 2/);
    X.dispose();
  });
  it('plans about 1024 workgroups for large inputs, whole 8-row sub-blocks (wide) or 128-row blocks (narrow) for small ones', () => {
    expect(rowsPerGroup(65536)).toBe(64);
    expect(rowsPerGroup(100)).toBe(8);
    expect(narrowRowsPerGroup(100)).toBe(128);
    expect(narrowRowsPerGroup(1797)).toBe(128);
    expect(narrowRowsPerGroup(128 * 1024 + 1)).toBe(256);
    expect(narrowScoreGroups(1797)).toBe(15);
    expect(narrowScoreGroups(1e9)).toBe(65535);
  });
});

describe('WGSL matmul objective (any number of classes) on real WebGPU', () => {
  async function checkMatmul(
    N: number,
    d: number,
    K: number,
    seed: number,
    opts: { weights?: boolean; chunkRows?: number; blockRows?: number } = {},
  ) {
    const { device } = await realDevice();
    const r = rng(seed);
    const x = randn(N * d, r);
    const y = Int32Array.from({ length: N }, () => Math.floor(r() * K));
    const params = randn(d * K + K, r, 0.3);
    const s = opts.weights ? Float32Array.from({ length: N }, () => 0.5 + r()) : undefined;
    const X = uploadWgslMatrix(device, x, N, d, opts.chunkRows ? opts.chunkRows * d * 4 : undefined);
    const obj = createWgslMatmulObjective(device, X, y, K, s, opts.blockRows);
    const got = await noGpuErrors(device, () => obj.evaluate(params));
    const want = cpuObjective(x, N, d, y, K, params, s);
    expect(got.loss / want.loss).toBeCloseTo(1, 5);
    expectClose(got.grad, want.grad, 1e-5 * Math.sqrt(N), 'gradient');
    // A second evaluation at other parameters starts from clean accumulators.
    const again = await obj.evaluate(params.map((v) => v * 0.5));
    expect(
      again.loss /
        cpuObjective(
          x,
          N,
          d,
          y,
          K,
          params.map((v) => v * 0.5),
          s,
        ).loss,
    ).toBeCloseTo(1, 5);
    obj.dispose();
    X.dispose();
  }
  it('softmax over 19 classes matches f64', () => checkMatmul(200, 12, 19, 51));
  it('40 classes at an odd width with row weights, over 3 chunks and several 64-row blocks', () =>
    checkMatmul(300, 7, 40, 52, { weights: true, chunkRows: 130, blockRows: 64 }));
  it('two classes (the softmax form of a binary probe) match f64', () => checkMatmul(150, 5, 2, 53));
  it('rejects a target outside the classes, naming the row', async () => {
    const { device } = await realDevice();
    const X = uploadWgslMatrix(device, new Float32Array(8), 4, 2);
    expect(() => createWgslMatmulObjective(device, X, Int32Array.from([0, 1, 20, 0]), 20)).toThrow(/row 2: 20/);
    X.dispose();
  });
});
