// The WebAssembly GEMM against naive f64 loops, on shapes that are not multiples of its 4×8 tiles, in both kernel
// variants: plain SIMD and relaxed-SIMD FMA (fused or not, depending on the hardware: both stay within 1e-5).
import { describe, expect, it } from 'vitest';
import { createRng, normal } from '../../../../src/core/math/rng';
import { KernelHeap, bestKernelVariant, type KernelVariant } from '../../../../src/engine/cpu/kernels/heap';
import { enableRelaxedSimd } from '../../../../src/engine/cpu/kernels/node-relaxed-simd';
import { matmul } from '../../../../src/engine/cpu/kernels/gemm';
import { expectClose } from '../../../support/expect-close';

const rand = (n: number, seed: number) => {
  const r = createRng(seed);
  return Float32Array.from({ length: n }, () => normal(r));
};

/** C[i, j] = Σ_k A(i, k)·B(k, j) in f64, with the operands read through the given index maps. */
function naive(
  M: number,
  K: number,
  N: number,
  a: (i: number, k: number) => number,
  b: (k: number, j: number) => number,
) {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a(i, k) * b(k, j);
      c[i * N + j] = s;
    }
  return c;
}

const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 8],
  [13, 17, 29],
  [37, 64, 9],
  [64, 3, 130],
  // Past one packed A block (64 rows), one k slab (256) and one B block (512 columns), with ragged edges.
  [70, 300, 530],
  [5, 513, 17],
];

it('Node runs the relaxed-SIMD variant once the flag is on, and picks it as the best', () => {
  expect(enableRelaxedSimd()).toBe(true);
  expect(bestKernelVariant()).toBe('fma');
  expect(new KernelHeap().variant).toBe('fma');
});

describe.each<KernelVariant>(['base', 'fma'])('WebAssembly GEMM (%s) against f64 loops', (variant) => {
  enableRelaxedSimd();
  const h = new KernelHeap(variant);
  SHAPES.forEach(([M, K, N], s) => {
    it(`A·B, Aᵀ·B, A·Bᵀ at ${M}×${K}·${K}×${N}, with and without accumulation`, () => {
      const A = rand(M * K, 10 + s),
        B = rand(K * N, 20 + s),
        C0 = rand(M * N, 30 + s);
      const nn = naive(
        M,
        K,
        N,
        (i, k) => A[i * K + k],
        (k, j) => B[k * N + j],
      );
      expectClose(matmul(h, A, B, M, K, N), nn, 1e-5, 'A·B');
      const acc = matmul(h, A, B, M, K, N, { into: C0.slice(), accumulate: true });
      expectClose(
        acc,
        Float64Array.from(nn, (v, n) => v + C0[n]),
        1e-5,
        'C + A·B',
      );
      // The same numbers stored as Aᵀ [K, M] and Bᵀ [N, K].
      const At = new Float32Array(K * M),
        Bt = new Float32Array(N * K);
      for (let i = 0; i < M; i++) for (let k = 0; k < K; k++) At[k * M + i] = A[i * K + k];
      for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) Bt[j * K + k] = B[k * N + j];
      expectClose(matmul(h, At, B, M, K, N, { transA: true }), nn, 1e-5, 'Aᵀ·B');
      expectClose(matmul(h, A, Bt, M, K, N, { transB: true }), nn, 1e-5, 'A·Bᵀ');
    });
  });

  it('keeps working after the heap grows past its first page', () => {
    const M = 70,
      K = 90,
      N = 75;
    const A = rand(M * K, 1),
      B = rand(K * N, 2);
    const before = h.used;
    h.alloc(200_000);
    expectClose(
      matmul(h, A, B, M, K, N),
      naive(
        M,
        K,
        N,
        (i, k) => A[i * K + k],
        (k, j) => B[k * N + j],
      ),
      1e-5,
      'A·B',
    );
    expect(h.used).toBeGreaterThan(before);
  });
});
