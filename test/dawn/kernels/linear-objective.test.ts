// The WGSL LinearObjective returns the same summed loss and gradient as an f64 CPU computation (binary and softmax).
import { describe, expect, it } from 'vitest';
import { createWgslLinearObjective, rowsPerGroup, uploadWgslMatrix } from '../../../src/engine/wgsl/linear-objective.ts';
import { expectClose, noGpuErrors, randn, realDevice, rng } from './helpers.ts';

function cpuObjective(x: Float32Array, N: number, d: number, y: Int32Array, K: number, params: Float32Array, s?: Float32Array) {
  const grad = new Float64Array(d * K + K);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const z = new Float64Array(K);
    for (let k = 0; k < K; k++) { let t = params[d * K + k]; for (let c = 0; c < d; c++) t += x[i * d + c] * params[c * K + k]; z[k] = t; }
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
    for (let k = 0; k < K; k++) { grad[d * K + k] += g[k]; for (let c = 0; c < d; c++) grad[c * K + k] += x[i * d + c] * g[k]; }
  }
  return { loss, grad };
}

async function check(N: number, d: number, K: number, seed: number, opts: { weights?: boolean; chunkBytes?: number } = {}) {
  const { device } = await realDevice();
  const r = rng(seed);
  const x = randn(N * d, r);
  const y = Int32Array.from({ length: N }, () => Math.floor(r() * Math.max(2, K)));
  const params = randn(d * K + K, r, 0.3);
  const s = opts.weights ? Float32Array.from({ length: N }, () => 0.5 + r()) : undefined;
  const X = uploadWgslMatrix(device, x, N, d, opts.chunkBytes);
  if (opts.chunkBytes) expect(X.chunks.length).toBeGreaterThan(1);
  const obj = createWgslLinearObjective(device, X, y, K, s);
  const got = await noGpuErrors(device, () => obj.evaluate(params));
  const want = cpuObjective(x, N, d, y, K, params, s);
  expect(got.loss / want.loss).toBeCloseTo(1, 5);
  expectClose(got.grad, want.grad, 1e-5 * Math.sqrt(N), 'gradient');
  obj.dispose(); X.dispose();
}

describe('WGSL linear objective (f32) on real WebGPU', () => {
  it('binary logistic matches f64 (vec4 rows)', () => check(300, 12, 1, 31));
  it('binary logistic matches f64 with row weights and odd width', () => check(123, 7, 1, 32, { weights: true }));
  it('softmax over 5 classes matches f64', () => check(200, 16, 5, 33));
  it('many sub-blocks per workgroup (large N) match f64', () => check(9000, 4, 1, 35));
  it('row chunks across several buffers sum to the same objective', () => check(260, 8, 3, 34, { chunkBytes: 64 * 8 * 4 }));
  it('rejects a target outside the classes, naming the row', async () => {
    const { device } = await realDevice();
    const X = uploadWgslMatrix(device, new Float32Array(8), 4, 2);
    expect(() => createWgslLinearObjective(device, X, Int32Array.from([0, 1, 2, 0]), 1)).toThrow(/row 2: 2/);
    X.dispose();
  });
  it('plans about 1024 workgroups for large inputs, whole 8-row sub-blocks for small ones', () => {
    expect(rowsPerGroup(65536)).toBe(64);
    expect(rowsPerGroup(100)).toBe(8);
  });
});
