// Dense f32 GEMM on a KernelHeap: C (+)= A·B, Aᵀ·B and A·Bᵀ, row-major, every operand an element offset into the
// heap. One WebAssembly SIMD micro-kernel (4×8 register tiles over packed panels, blocked as in GotoBLAS) serves all
// three: Aᵀ·B packs A with swapped strides, A·Bᵀ transposes B into heap scratch first (N·K copies against M·N·K
// multiply-adds).
import { GEMM_BLOCK, type KernelHeap } from './heap';

const { KC, MC, NC } = GEMM_BLOCK;

/**
 * C[M, N] (+)= A·B with A(i, p) at element a + i·aRow + p·aK, B [K, N] and C [M, N] row-major: B packed in
 * kc × 8 panels, A in kc × 4 panels, 4×8 register tiles over them (sgemmPacked) straight into C, and the ragged
 * last rows and columns through zeroed scratch. Summation order depends only on the shapes.
 */
function gemmBlocked(
  h: KernelHeap,
  a: number,
  aRow: number,
  aK: number,
  b: number,
  c: number,
  M: number,
  K: number,
  N: number,
  acc: boolean,
): void {
  if (!acc) h.f32.fill(0, c, c + M * N);
  if (M === 0 || N === 0 || K === 0) return;
  const pa = 4 * h.gemmScratch;
  const pb = pa + 4 * MC * KC;
  const scratch = h.gemmScratch + MC * KC + KC * NC;
  const k = h.k;
  // Tiles of one A block against 8-wide B panels into zeroed scratch, then the rows × cols corner added to C.
  const viaScratch = (
    aAt: number,
    mPanels: number,
    bAt: number,
    nPanels: number,
    kc: number,
    i0: number,
    j0: number,
    rows: number,
    cols: number,
  ) => {
    for (let jp = 0; jp < nPanels; jp++) {
      h.f32.fill(0, scratch, scratch + mPanels * 32);
      k.sgemmPacked(aAt, bAt + jp * kc * 32, 4 * scratch, 32, mPanels, 1, kc);
      const f = h.f32;
      const w = Math.min(8, cols - 8 * jp);
      for (let r = 0; r < rows; r++) {
        const co = c + (i0 + r) * N + j0 + 8 * jp;
        for (let q = 0; q < w; q++) f[co + q] += f[scratch + r * 8 + q];
      }
    }
  };
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = Math.min(NC, N - j0);
    const nFull = nc >> 3;
    for (let p0 = 0; p0 < K; p0 += KC) {
      const kc = Math.min(KC, K - p0);
      k.spackPanels(4 * (b + p0 * N + j0), 4 * N, 4, kc, nc, 8, pb);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = Math.min(MC, M - i0);
        const mFull = mc >> 2;
        k.spackPanels(4 * (a + i0 * aRow + p0 * aK), 4 * aK, 4 * aRow, kc, mc, 4, pa);
        if (mFull > 0 && nFull > 0) k.sgemmPacked(pa, pb, 4 * (c + i0 * N + j0), 4 * N, mFull, nFull, kc);
        if (mc > 4 * mFull)
          viaScratch(pa + mFull * kc * 16, 1, pb, Math.ceil(nc / 8), kc, i0 + 4 * mFull, j0, mc - 4 * mFull, nc);
        if (nc > 8 * nFull && mFull > 0)
          viaScratch(pa, mFull, pb + nFull * kc * 32, 1, kc, i0, j0 + 8 * nFull, 4 * mFull, nc - 8 * nFull);
      }
    }
  }
}

/** C[M, N] (+)= A[M, K]·B[K, N]. */
export function gemm(h: KernelHeap, a: number, b: number, c: number, M: number, K: number, N: number, acc = false) {
  gemmBlocked(h, a, K, 1, b, c, M, K, N, acc);
}

/** C[M, N] (+)= Aᵀ·B with A [K, M], B [K, N]. */
export function gemmTA(h: KernelHeap, a: number, b: number, c: number, M: number, K: number, N: number, acc = false) {
  gemmBlocked(h, a, 1, M, b, c, M, K, N, acc);
}

/** C[M, N] (+)= A·Bᵀ with A [M, K], B [N, K]. */
export function gemmTB(h: KernelHeap, a: number, b: number, c: number, M: number, K: number, N: number, acc = false) {
  const mark = h.used;
  const bt = h.alloc(K * N);
  transpose(h, b, bt, N, K);
  gemmBlocked(h, a, K, 1, bt, c, M, K, N, acc);
  h.release(mark);
}

/** out [cols, rows] = src [rows, cols]ᵀ (element offsets in the heap). */
export function transpose(h: KernelHeap, src: number, out: number, rows: number, cols: number): void {
  h.k.transpose(4 * src, 4 * out, rows, cols);
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
