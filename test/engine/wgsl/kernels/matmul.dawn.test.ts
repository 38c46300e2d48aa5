// The tiled matmul agrees with an f64 CPU matmul in every transpose combination, epilogue, split-K and edge shape.
import { describe, expect, it } from 'vitest';
import { encodeMatmul, matmulGeometry, type MatmulSpec } from '../../../../src/engine/wgsl/kernels/matmul';
import { readF32, submitAndWait, uploadBuffer } from '../../../../src/engine/wgsl/gpu/buffers';
import { cpuMatmul, expectClose, noGpuErrors, randn, realDevice, rng } from '../helpers';

async function check(spec: MatmulSpec, seed: number): Promise<void> {
  const { device } = await realDevice();
  const r = rng(seed);
  const { M, N, K, transA, transB } = spec;
  const a = randn(M * K, r),
    b = randn(K * N, r),
    c0 = randn(M * N, r),
    bias = randn(Math.max(M, N), r);
  const prod = cpuMatmul(a, b, M, N, K, transA, transB);
  const want = new Float64Array(M * N);
  const e = spec.epilogue ?? { kind: 'none' };
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      const idx = i * N + j;
      let v = prod[idx];
      if (e.kind === 'bias') v = e.relu ? Math.max(0, v + bias[j]) : v + bias[j];
      if (e.kind === 'maskAddCol') v = c0[idx] > 0 ? v + bias[j] : 0;
      if (e.kind === 'addRowScaled') v = v + bias[i] * c0[idx];
      if (spec.accumulate) v += c0[idx];
      want[idx] = v;
    }
  const bufs = [uploadBuffer(device, a, 'a'), uploadBuffer(device, b, 'b'), uploadBuffer(device, c0, 'c')];
  const aux = e.kind === 'none' ? [] : [uploadBuffer(device, bias, 'aux0')];
  if (e.kind === 'addRowScaled') aux.push(uploadBuffer(device, c0, 'aux1'));
  const splits = matmulGeometry(spec, device.limits).splits;
  const cBuf = splits > 1 ? uploadBuffer(device, new Float32Array(splits * M * N), 'cs') : bufs[2];
  const got = await noGpuErrors(device, async () => {
    await submitAndWait(device, (ctx) => encodeMatmul(ctx, spec, bufs[0], bufs[1], cBuf, aux));
    return readF32(device, cBuf, splits * M * N);
  });
  const sum = new Float32Array(M * N); // split-K slabs summed on the host
  for (let s = 0; s < splits; s++) for (let i = 0; i < M * N; i++) sum[i] += got[s * M * N + i];
  expectClose(sum, want, 2e-5 * Math.sqrt(K), `${JSON.stringify(spec)}`);
  for (const x of [...bufs, ...aux, cBuf]) x.destroy();
}

describe('wgsl matmul (f32) on real WebGPU', () => {
  for (const [transA, transB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`matches f64 for transA=${transA} transB=${transB}, vec4 shape, 64 tiles`, () =>
      check({ M: 72, N: 68, K: 40, transA, transB, tile: 64 }, 1));
    it(`matches f64 for transA=${transA} transB=${transB}, odd shape (scalar edges), 128 tiles`, () =>
      check({ M: 131, N: 37, K: 19, transA, transB, tile: 128 }, 2));
  }
  it('fuses bias + ReLU', () =>
    check({ M: 64, N: 132, K: 24, transA: false, transB: false, epilogue: { kind: 'bias', relu: true } }, 3));
  it('fuses the masked ReLU backward with a per-column add, in place', () =>
    check({ M: 36, N: 40, K: 12, transA: false, transB: true, epilogue: { kind: 'maskAddCol' } }, 4));
  it('fuses a row-scaled add and accumulates', () =>
    check(
      { M: 40, N: 28, K: 52, transA: true, transB: false, epilogue: { kind: 'addRowScaled' }, accumulate: true },
      5,
    ));
  it('splits K into slabs that sum to the product', () =>
    check({ M: 20, N: 24, K: 100, transA: false, transB: false, splitK: 3, tile: 64 }, 6));
  it('geometry respects a small workgroup-storage limit', () => {
    const spec = { M: 256, N: 256, K: 64, transA: false, transB: false, tile: 128 } as const;
    const lim = (s: number) => ({ maxComputeWorkgroupStorageSize: s, maxComputeWorkgroupsPerDimension: 65535 });
    expect(matmulGeometry(spec, lim(16384))).toMatchObject({ BM: 128, BK: 16, groups: [2, 2, 1], vec4: true });
    expect(matmulGeometry(spec, lim(12000))).toMatchObject({ BM: 128, BK: 8 });
    expect(matmulGeometry({ ...spec, tile: 64 }, lim(16384))).toMatchObject({ BM: 64, BK: 16, groups: [4, 4, 1] });
    expect(() => matmulGeometry(spec, lim(8191))).toThrow(/8192/);
    expect(() => matmulGeometry({ ...spec, K: 0 }, lim(16384))).toThrow(/invalid matmul shape/);
  });
});
