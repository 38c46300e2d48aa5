// The WebAssembly kernels besides GEMM against plain f64 loops, at lengths that are not multiples of 4 (the SIMD
// width): Adam, the f64 sum of squares, sparse decode/scatter/dots over CSR codes, row and batch top-k selection.
import { describe, expect, it } from 'vitest';
import { createRng, normal } from '../../../../src/core/math/rng';
import { topIndices } from '../../../../src/core/sae/architecture';
import { adamStep } from '../../../../src/engine/cpu/kernels/adam';
import { KernelHeap } from '../../../../src/engine/cpu/kernels/heap';
import { batchTopK, kthLargest, rowTopK, type Csr } from '../../../../src/engine/cpu/kernels/select';
import { expectClose } from '../../../support/expect-close';

const rand = (n: number, seed: number, scale = 1) => {
  const r = createRng(seed);
  return Float32Array.from({ length: n }, () => scale * normal(r));
};

describe('WebAssembly kernels against f64 loops', () => {
  const h = new KernelHeap();

  it('Adam: moments, bias-corrected update and gradient scale on 23 entries', () => {
    const n = 23;
    const P = rand(n, 1),
      G = rand(n, 2),
      M = rand(n, 3, 0.1),
      V = Float32Array.from(rand(n, 4), (v) => v * v);
    const [lr, b1, b2, eps, scale, t] = [0.01, 0.9, 0.999, 1e-3, 0.7, 3];
    const c1 = 1 / (1 - b1 ** t),
      c2 = 1 / (1 - b2 ** t);
    const p = h.allocFrom(P),
      g = h.allocFrom(G),
      m = h.allocFrom(M),
      v = h.allocFrom(V);
    adamStep(h, [{ p, g, m, v, n }], { lr, beta1: b1, beta2: b2, eps }, t, scale);
    const wantM = Float64Array.from(M, (x, i) => b1 * x + (1 - b1) * scale * G[i]);
    const wantV = Float64Array.from(V, (x, i) => b2 * x + (1 - b2) * (scale * G[i]) ** 2);
    const wantP = Float64Array.from(P, (x, i) => x - (lr * c1 * wantM[i]) / (Math.sqrt(c2 * wantV[i]) + eps));
    expectClose(h.view(m, n), wantM, 1e-6, 'm');
    expectClose(h.view(v, n), wantV, 1e-6, 'v');
    expectClose(h.view(p, n), wantP, 1e-6, 'p');
  });

  it('sum of squares in f64 over 1,001 entries', () => {
    const X = rand(1001, 5, 1e3);
    let want = 0;
    for (const x of X) want += x * x;
    expect(h.k.sumSquares(4 * h.allocFrom(X), X.length) / want - 1).toBeLessThan(1e-12);
  });

  it('sparse decode, scatter and dots over CSR codes (uneven row counts, d = 7)', () => {
    const rows = 5,
      m = 9,
      d = 7;
    const counts = [2, 0, 3, 1, 4];
    const r = createRng(6);
    const ptr = [0];
    const idx: number[] = [];
    for (const c of counts) {
      for (const i of topIndices(
        Array.from({ length: m }, () => r()),
        c,
      ))
        idx.push(i);
      ptr.push(idx.length);
    }
    const val = rand(idx.length, 7);
    const W = rand(m * d, 8),
      S = rand(rows * d, 9);
    const csr: Csr = { rowPtr: h.alloc(rows + 1), idx: h.alloc(idx.length), val: h.allocFrom(val) };
    h.i32.set(ptr, csr.rowPtr);
    h.i32.set(idx, csr.idx);
    const w = h.allocFrom(W),
      s = h.allocFrom(S),
      out = h.alloc(rows * d),
      scat = h.alloc(m * d),
      dots = h.alloc(idx.length);
    h.k.sparseDecode(4 * csr.rowPtr, 4 * csr.idx, 4 * csr.val, rows, 4 * w, d, 4 * out);
    h.k.sparseScatter(4 * csr.rowPtr, 4 * csr.idx, 4 * csr.val, rows, 4 * s, d, 4 * scat);
    h.k.sparseDots(4 * csr.rowPtr, 4 * csr.idx, rows, 4 * s, 4 * w, d, 4 * dots);
    const wantOut = new Float64Array(rows * d),
      wantScat = new Float64Array(m * d),
      wantDots = new Float64Array(idx.length);
    for (let b = 0; b < rows; b++)
      for (let n = ptr[b]; n < ptr[b + 1]; n++)
        for (let j = 0; j < d; j++) {
          wantOut[b * d + j] += val[n] * W[idx[n] * d + j];
          wantScat[idx[n] * d + j] += val[n] * S[b * d + j];
          wantDots[n] += S[b * d + j] * W[idx[n] * d + j];
        }
    expectClose(h.view(out, rows * d), wantOut, 1e-6, 'decode');
    expectClose(h.view(scat, m * d), wantScat, 1e-6, 'scatter');
    expectClose(h.view(dots, idx.length), wantDots, 1e-6, 'dots');
  });

  it("row top-k equals architecture.ts's topIndices (ties by the lower index), positive only, with a candidate mask", () => {
    const rows = 6,
      m = 13,
      k = 4;
    // Rounded values make ties; a shift makes some rows' kept values negative.
    const pre = Float32Array.from(rand(rows * m, 10), (v, n) => Math.round(v * 2) / 2 - (n < m ? 1.5 : 0));
    const allowed = Int32Array.from({ length: m }, (_, i) => (i % 3 === 0 ? 0 : 1));
    for (const mask of [undefined, allowed]) {
      const p = h.allocFrom(pre);
      const csr: Csr = { rowPtr: h.alloc(rows + 1), idx: h.alloc(rows * k), val: h.alloc(rows * k) };
      let a: number | undefined;
      if (mask) {
        a = h.alloc(m);
        h.i32.set(mask, a);
      }
      rowTopK(h, p, rows, m, k, csr, a);
      for (let r = 0; r < rows; r++) {
        const row = pre.subarray(r * m, (r + 1) * m);
        const want = topIndices(row, k, mask ? (i) => mask[i] === 1 : undefined).filter((i) => row[i] > 0);
        const got = Array.from(h.i32.subarray(csr.idx + h.i32[csr.rowPtr + r], csr.idx + h.i32[csr.rowPtr + r + 1]));
        expect(
          got.sort((x, y) => x - y),
          `row ${r}`,
        ).toEqual(want.sort((x, y) => x - y));
      }
    }
  });

  it('batch top-k keeps the k·B largest of the batch (ties by flat index), and its smallest kept value', () => {
    const rows = 7,
      m = 11,
      k = 3;
    const pre = Float32Array.from(rand(rows * m, 11), (v) => Math.round(v * 3) / 3);
    const p = h.allocFrom(pre);
    const csr: Csr = { rowPtr: h.alloc(rows + 1), idx: h.alloc(rows * k), val: h.alloc(rows * k) };
    const minKept = batchTopK(h.f32, h.i32, p, rows, m, k, csr);
    const want = topIndices(pre, k * rows).filter((n) => pre[n] > 0);
    const got: number[] = [];
    for (let r = 0; r < rows; r++)
      for (let n = h.i32[csr.rowPtr + r]; n < h.i32[csr.rowPtr + r + 1]; n++) got.push(r * m + h.i32[csr.idx + n]);
    expect(got.sort((x, y) => x - y)).toEqual(want.sort((x, y) => x - y));
    expect(minKept).toBe(Math.min(...want.map((n) => pre[n])));
    const sorted = Array.from(pre).sort((x, y) => y - x);
    for (const rank of [0, 5, 40, rows * m - 1]) expect(kthLargest(pre, rank)).toBe(sorted[rank]);
  });
});
