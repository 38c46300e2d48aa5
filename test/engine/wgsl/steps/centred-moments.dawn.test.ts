// The WGSL engine's centred moments (no tfjs mirror): scatter, Σ‖x − μ‖⁴ and the row quadratic form equal an f64
// CPU computation, over several X chunks and several row blocks per chunk, at odd and vec4 widths.
import { describe, expect, it } from 'vitest';
import {
  BLOCK_ROWS,
  momentBlocks,
  wgslCentredGram,
  wgslRowQuadraticForm,
} from '../../../../src/engine/wgsl/steps/centred-moments';
import { uploadWgslMatrix } from '../../../../src/engine/wgsl/steps/linear-objective';
import { expectClose, noGpuErrors, randn, realDevice, rng } from '../helpers';

function cpuMoments(x: Float32Array, N: number, d: number, mean: Float64Array, m: Float64Array) {
  const scatter = new Float64Array(d * d),
    q = new Float64Array(N);
  let norm4 = 0;
  const c = new Float64Array(d);
  for (let r = 0; r < N; r++) {
    let n2 = 0;
    for (let j = 0; j < d; j++) {
      c[j] = x[r * d + j] - mean[j];
      n2 += c[j] * c[j];
    }
    norm4 += n2 * n2;
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        scatter[i * d + j] += c[i] * c[j];
        q[r] += c[i] * m[i * d + j] * c[j];
      }
  }
  return { scatter, norm4, q };
}

async function check(N: number, d: number, seed: number, chunkRows: number, blockRows: number) {
  const { device } = await realDevice();
  const r = rng(seed);
  const x = randn(N * d, r).map((v, i) => v + (i % d) * 0.5); // a non-zero mean per column
  const mean = Float64Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let i = 0; i < N; i++) s += x[i * d + j];
    return s / N;
  });
  const a = randn(d * d, r);
  const m = Float64Array.from({ length: d * d }, (_, k) => (a[k] + a[(k % d) * d + Math.floor(k / d)]) / 2); // symmetric
  const X = uploadWgslMatrix(device, x, N, d, chunkRows * d * 4);
  expect(X.chunks.length).toBeGreaterThan(1);
  expect(momentBlocks(X.chunks, blockRows).length).toBeGreaterThan(X.chunks.length);
  const [gram, q] = await noGpuErrors(
    device,
    async () =>
      [
        await wgslCentredGram(device, X, mean, blockRows),
        await wgslRowQuadraticForm(device, X, mean, m, blockRows),
      ] as const,
  );
  const want = cpuMoments(x, N, d, mean, m);
  expectClose(gram.scatter, want.scatter, 1e-5, 'scatter');
  expect(gram.sumNormFourth / want.norm4).toBeCloseTo(1, 5);
  expectClose(q, want.q, 1e-4, 'quadratic form');
  X.dispose();
}

describe('WGSL centred moments on real WebGPU', () => {
  it('blocks start on 64-row boundaries inside each chunk', () => {
    expect(BLOCK_ROWS % 64).toBe(0);
    expect(momentBlocks([{ rows: 150 }, { rows: 64 }], 64)).toEqual([
      [0, 0, 64],
      [0, 64, 64],
      [0, 128, 22],
      [1, 0, 64],
    ]);
  });
  it('match f64 over 3 chunks and several 64-row blocks (odd width)', () => check(300, 7, 41, 130, 64));
  it('match f64 at a vec4 width', () => check(200, 12, 42, 150, 64));
  it('reject a block size off the 64-row grid and a mean of the wrong width', async () => {
    const { device } = await realDevice();
    const X = uploadWgslMatrix(device, new Float32Array(12), 4, 3);
    await expect(wgslCentredGram(device, X, new Float64Array(3), 100)).rejects.toThrow(/multiple of 64/);
    await expect(wgslCentredGram(device, X, new Float64Array(2))).rejects.toThrow(
      /mean has 2 values, matrix has 3 columns/,
    );
    X.dispose();
  });
});
