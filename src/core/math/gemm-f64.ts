// Dense f64 matrix product for the host's O(D³) linear algebra (blocked eigensolver, back-transformations):
// GotoBLAS-style packing of A into 4-row and B into 4-column panels, a 4×4 register tile, k in cache-sized
// slabs. Plain JavaScript (V8 keeps the 16 accumulators in registers); any strides, so transposes cost nothing.

/** A strided matrix view: element (i, j) is data[offset + i·rowStride + j·colStride]. */
export interface MatView {
  data: Float64Array;
  offset: number;
  rowStride: number;
  colStride: number;
}

export function view(data: Float64Array, offset: number, rowStride: number, colStride = 1): MatView {
  return { data, offset, rowStride, colStride };
}

/** Transposed view of the same storage. */
export function transposed(v: MatView): MatView {
  return { data: v.data, offset: v.offset, rowStride: v.colStride, colStride: v.rowStride };
}

/** C ← β·C over an m×n view (β = 0 writes zeros, so NaN or Inf already in C does not survive). */
export function scaleView(m: number, n: number, beta: number, c: MatView): void {
  if (beta === 1) return;
  const cd = c.data;
  for (let i = 0; i < m; i++) {
    const ro = c.offset + i * c.rowStride;
    for (let j = 0; j < n; j++) {
      const o = ro + j * c.colStride;
      cd[o] = beta === 0 ? 0 : beta * cd[o];
    }
  }
}

const KC = 256;
const MC = 64;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * 4);

/**
 * C ← β·C + α·A·B with A m×k, B k×n and C m×n (a view; any strides). Summation order is fixed by the shapes,
 * so results are deterministic.
 */
export function gemmF64(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: MatView,
  b: MatView,
  beta: number,
  c: MatView,
): void {
  if (m <= 0 || n <= 0) return;
  const cd = c.data;
  scaleView(m, n, beta, c);
  if (k <= 0 || alpha === 0) return;
  const nPanels = Math.ceil(n / 4);
  if (packB.length < KC * 4 * nPanels) packB = new Float64Array(KC * 4 * nPanels);
  if (packA.length < MC * KC) packA = new Float64Array(MC * KC);
  const ad = a.data;
  const bd = b.data;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    // B[p0:p0+kc, :] as 4-column panels, zero-padded past n, each panel kc×4 contiguous.
    for (let jp = 0; jp < nPanels; jp++) {
      const base = jp * kc * 4;
      for (let cc = 0; cc < 4; cc++) {
        const j = jp * 4 + cc;
        if (j >= n) {
          for (let p = 0; p < kc; p++) packB[base + p * 4 + cc] = 0;
          continue;
        }
        let o = b.offset + p0 * b.rowStride + j * b.colStride;
        for (let p = 0; p < kc; p++, o += b.rowStride) packB[base + p * 4 + cc] = alpha * bd[o];
      }
    }
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = Math.min(MC, m - i0);
      const mPanels = Math.ceil(mc / 4);
      for (let ip = 0; ip < mPanels; ip++) {
        const base = ip * kc * 4;
        for (let r = 0; r < 4; r++) {
          const i = i0 + ip * 4 + r;
          if (i >= m) {
            for (let p = 0; p < kc; p++) packA[base + p * 4 + r] = 0;
            continue;
          }
          let o = a.offset + i * a.rowStride + p0 * a.colStride;
          for (let p = 0; p < kc; p++, o += a.colStride) packA[base + p * 4 + r] = ad[o];
        }
      }
      for (let jp = 0; jp < nPanels; jp++) {
        const bBase = jp * kc * 4;
        const j = jp * 4;
        const cols = Math.min(4, n - j);
        for (let ip = 0; ip < mPanels; ip++) {
          const i = i0 + ip * 4;
          microKernel(
            kc,
            ip * kc * 4,
            bBase,
            cd,
            c.offset + i * c.rowStride + j * c.colStride,
            c.rowStride,
            c.colStride,
            Math.min(4, m - i),
            cols,
          );
        }
      }
    }
  }
}

/** C tile (rows×cols ≤ 4×4) += packed A panel · packed B panel over kc. */
function microKernel(
  kc: number,
  aBase: number,
  bBase: number,
  cd: Float64Array,
  co: number,
  rs: number,
  cs: number,
  rows: number,
  cols: number,
): void {
  const pa = packA;
  const pb = packB;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let p = 0, ao = aBase, bo = bBase; p < kc; p++, ao += 4, bo += 4) {
    const b0 = pb[bo],
      b1 = pb[bo + 1],
      b2 = pb[bo + 2],
      b3 = pb[bo + 3];
    const x0 = pa[ao],
      x1 = pa[ao + 1],
      x2 = pa[ao + 2],
      x3 = pa[ao + 3];
    c00 += x0 * b0;
    c01 += x0 * b1;
    c02 += x0 * b2;
    c03 += x0 * b3;
    c10 += x1 * b0;
    c11 += x1 * b1;
    c12 += x1 * b2;
    c13 += x1 * b3;
    c20 += x2 * b0;
    c21 += x2 * b1;
    c22 += x2 * b2;
    c23 += x2 * b3;
    c30 += x3 * b0;
    c31 += x3 * b1;
    c32 += x3 * b2;
    c33 += x3 * b3;
  }
  if (rows === 4 && cols === 4 && cs === 1) {
    let o = co;
    cd[o] += c00;
    cd[o + 1] += c01;
    cd[o + 2] += c02;
    cd[o + 3] += c03;
    o += rs;
    cd[o] += c10;
    cd[o + 1] += c11;
    cd[o + 2] += c12;
    cd[o + 3] += c13;
    o += rs;
    cd[o] += c20;
    cd[o + 1] += c21;
    cd[o + 2] += c22;
    cd[o + 3] += c23;
    o += rs;
    cd[o] += c30;
    cd[o + 1] += c31;
    cd[o + 2] += c32;
    cd[o + 3] += c33;
    return;
  }
  const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) cd[co + r * rs + q * cs] += t[r * 4 + q];
}
