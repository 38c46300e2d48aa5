// The dense f64 kernels under the host's O(D³) linear algebra (the eigensolver behind PCA, LEACE, LDA and
// mass-mean whitening): matrix products, the symmetric matrix-vector product, and workspaces the kernels work on
// in place. Core carries plain-JavaScript kernels; an engine may install faster ones (WebAssembly SIMD) with
// useHostKernels, since core may not load engine code. Results agree to rounding, not bit for bit.
import { gemmF64, type MatView } from './gemm-f64';

/** Zeroed arrays the kernels operate on without copying; valid until release(). */
export interface F64Workspace {
  readonly arrays: Float64Array[];
  release(): void;
}

export interface HostKernels {
  /** Names the implementation in reports (bench JSON, CLI). */
  readonly name: string;
  /** Arrays of the given lengths; matrices the kernels update in place should live in one. */
  workspace(lengths: readonly number[]): F64Workspace;
  /** C ← β·C + α·A·B with A m×k, B k×n and C m×n (views, any strides). */
  gemm(m: number, n: number, k: number, alpha: number, a: MatView, b: MatView, beta: number, c: MatView): void;
  /**
   * C ← C + α·A·B on the upper triangle of the n×n C (A n×k, B k×n), as a symmetric rank-k update needs it.
   * Entries below the diagonal may change too (the product is taken in row bands from the diagonal rightwards),
   * so only the upper triangle of C is meaningful afterwards.
   */
  gemmUpper(n: number, k: number, alpha: number, a: MatView, b: MatView, c: MatView): void;
  /**
   * p[i] += (A v)_i for i in [lo, n), from the upper triangle of rows [lo, n) of the row-major A (row length
   * lda): each stored A[i][j], j ≥ i, counts for (i, j) and (j, i). v[j] is read at v[vOffset + j].
   */
  symvUpper(
    a: Float64Array,
    lda: number,
    v: Float64Array,
    vOffset: number,
    p: Float64Array,
    lo: number,
    n: number,
  ): void;
  /**
   * The reduction's panel products over rows [lo, n) of two row-major panels V, W (ld columns, the first `cols`
   * used): out[outOffset + j] −= V[j]·x + W[j]·y, with x and y read from xOffset and yOffset.
   */
  panelMv(
    out: Float64Array,
    outOffset: number,
    v: Float64Array,
    w: Float64Array,
    ld: number,
    x: Float64Array,
    xOffset: number,
    y: Float64Array,
    yOffset: number,
    cols: number,
    lo: number,
    n: number,
  ): void;
  /** s1[t] = Σ_i W[i][t]·u[uOffset + i] and s2[t] = Σ_i V[i][t]·u[uOffset + i] over rows [lo, n), t < cols. */
  panelTv(
    s1: Float64Array,
    s2: Float64Array,
    v: Float64Array,
    w: Float64Array,
    ld: number,
    u: Float64Array,
    uOffset: number,
    cols: number,
    lo: number,
    n: number,
  ): void;
}

function symvUpperJs(
  a: Float64Array,
  lda: number,
  v: Float64Array,
  vo: number,
  p: Float64Array,
  lo: number,
  n: number,
): void {
  for (let i = lo; i < n; i++) {
    const ro = i * lda;
    const vi = v[vo + i];
    let s = a[ro + i] * vi;
    for (let j = i + 1; j < n; j++) {
      const aij = a[ro + j];
      s += aij * v[vo + j];
      p[j] += aij * vi;
    }
    p[i] += s;
  }
}

/** Rows per band of gemmUpper (wider bands pack B less often and waste more below the diagonal). */
const BAND = 128;

/** gemmUpper as one product per row band of C, from the diagonal rightwards, on the given kernels' gemm. */
export function gemmUpperByBands(
  kernels: Pick<HostKernels, 'gemm'>,
  n: number,
  k: number,
  alpha: number,
  a: MatView,
  b: MatView,
  c: MatView,
): void {
  for (let r0 = 0; r0 < n; r0 += BAND) {
    const rows = Math.min(BAND, n - r0);
    kernels.gemm(
      rows,
      n - r0,
      k,
      alpha,
      { ...a, offset: a.offset + r0 * a.rowStride },
      { ...b, offset: b.offset + r0 * b.colStride },
      1,
      { ...c, offset: c.offset + r0 * c.rowStride + r0 * c.colStride },
    );
  }
}

export const jsHostKernels: HostKernels = {
  name: 'js-f64',
  workspace: (lengths) => ({ arrays: lengths.map((n) => new Float64Array(n)), release() {} }),
  gemm: gemmF64,
  gemmUpper(n, k, alpha, a, b, c) {
    gemmUpperByBands(jsHostKernels, n, k, alpha, a, b, c);
  },
  symvUpper: symvUpperJs,
  panelMv(out, oo, v, w, ld, x, xo, y, yo, cols, lo, n) {
    for (let j = lo; j < n; j++) {
      const r = j * ld;
      let s = 0;
      for (let t = 0; t < cols; t++) s += v[r + t] * x[xo + t] + w[r + t] * y[yo + t];
      out[oo + j] -= s;
    }
  },
  panelTv(s1, s2, v, w, ld, u, uo, cols, lo, n) {
    s1.fill(0, 0, cols);
    s2.fill(0, 0, cols);
    for (let i = lo; i < n; i++) {
      const r = i * ld;
      const ui = u[uo + i];
      for (let t = 0; t < cols; t++) {
        s1[t] += w[r + t] * ui;
        s2[t] += v[r + t] * ui;
      }
    }
  },
};

let active: HostKernels = jsHostKernels;

/** The kernels the host's linear algebra uses now. */
export function hostKernels(): HostKernels {
  return active;
}

/** Installs faster kernels (null: back to plain JavaScript). */
export function useHostKernels(kernels: HostKernels | null): void {
  active = kernels ?? jsHostKernels;
}
