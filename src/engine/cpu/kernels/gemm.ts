// Dense f32 GEMM on a KernelHeap: C (+)= A·B, Aᵀ·B and A·Bᵀ, row-major, every operand an element offset into the
// heap. One WebAssembly SIMD micro-kernel (4×8 register tiles) serves all three: Aᵀ·B reads A with swapped strides,
// A·Bᵀ transposes B into heap scratch first (N·K copies against M·N·K multiply-adds).
import type { KernelHeap } from './heap';

/** C[M, N] (+)= A[M, K]·B[K, N]. */
export function gemm(h: KernelHeap, a: number, b: number, c: number, M: number, K: number, N: number, acc = false) {
  h.k.gemm(4 * a, K, 1, 4 * b, 4 * c, M, K, N, acc ? 1 : 0);
}

/** C[M, N] (+)= Aᵀ·B with A [K, M], B [K, N]. */
export function gemmTA(h: KernelHeap, a: number, b: number, c: number, M: number, K: number, N: number, acc = false) {
  h.k.gemm(4 * a, 1, M, 4 * b, 4 * c, M, K, N, acc ? 1 : 0);
}

/** C[M, N] (+)= A·Bᵀ with A [M, K], B [N, K]. */
export function gemmTB(h: KernelHeap, a: number, b: number, c: number, M: number, K: number, N: number, acc = false) {
  const mark = h.used;
  const bt = h.alloc(K * N);
  transpose(h.f32, b, bt, N, K);
  h.k.gemm(4 * a, K, 1, 4 * bt, 4 * c, M, K, N, acc ? 1 : 0);
  h.release(mark);
}

/** out [cols, rows] = src [rows, cols]ᵀ, in 32×32 blocks so both sides stay in cache. */
export function transpose(f: Float32Array, src: number, out: number, rows: number, cols: number): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        const s = src + r * cols;
        for (let c = c0; c < c1; c++) f[out + c * rows + r] = f[s + c];
      }
    }
  }
}

/**
 * Plain-array convenience for callers that hold their own Float32Arrays (fits, solvers): copies A and B into a
 * scratch heap, multiplies, copies C out. `transA`/`transB` say A is stored [K, M] / B is stored [N, K].
 */
export function matmul(
  h: KernelHeap,
  A: Float32Array,
  B: Float32Array,
  M: number,
  K: number,
  N: number,
  opts: { transA?: boolean; transB?: boolean; into?: Float32Array; accumulate?: boolean } = {},
): Float32Array {
  if (A.length !== M * K || B.length !== K * N) throw new Error(`matmul: A has ${A.length}, B ${B.length} values`);
  const mark = h.used;
  const a = h.allocFrom(A),
    b = h.allocFrom(B),
    c = h.alloc(M * N);
  const out = opts.into ?? new Float32Array(M * N);
  if (opts.accumulate) h.f32.set(out, c);
  if (opts.transA && opts.transB) throw new Error('matmul: Aᵀ·Bᵀ is (B·A)ᵀ; transpose the product instead');
  if (opts.transA) gemmTA(h, a, b, c, M, K, N, !!opts.accumulate);
  else if (opts.transB) gemmTB(h, a, b, c, M, K, N, !!opts.accumulate);
  else gemm(h, a, b, c, M, K, N, !!opts.accumulate);
  out.set(h.view(c, M * N));
  h.release(mark);
  return out;
}
