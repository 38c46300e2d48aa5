// The WebAssembly f64 host kernels: GEMM against a plain triple loop on shapes that cross every blocking edge
// (ragged 4-wide panels, k past one packed slab, n past one packed block), with strided and transposed operands,
// into workspace memory (in place) and into ordinary arrays (through scratch); the symmetric and panel products
// against their definitions; and symmetricEigen on them against LAPACK, on both kernel variants.
import { afterEach, describe, expect, it, test } from 'vitest';
import { transposed, view, type MatView } from '../../../../src/core/math/gemm-f64';
import { useHostKernels } from '../../../../src/core/math/host-kernels';
import { symmetricEigen } from '../../../../src/core/math/linalg';
import { createRng, normal } from '../../../../src/core/math/rng';
import { kernelVariantSupported, type KernelVariant } from '../../../../src/engine/cpu/kernels/heap';
import { WasmHostKernels } from '../../../../src/engine/cpu/kernels/host-f64';
import { nodeHostThreads } from '../../../../src/engine/cpu/kernels/node-host-threads';
import { enableRelaxedSimd } from '../../../../src/engine/cpu/kernels/node-relaxed-simd';
import { buildEighCase, eighCases, expectMatchesLapack } from '../../../support/eigh-cases';

enableRelaxedSimd();
const variants: KernelVariant[] = kernelVariantSupported('fma') ? ['base', 'fma'] : ['base'];

const at = (v: MatView, i: number, j: number) => v.data[v.offset + i * v.rowStride + j * v.colStride];

function fill(x: Float64Array, seed: number): Float64Array {
  const r = createRng(seed);
  for (let i = 0; i < x.length; i++) x[i] = normal(r);
  return x;
}

afterEach(() => useHostKernels(null));

describe.each(variants)('WebAssembly f64 host kernels (%s)', (variant) => {
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [7, 5, 3],
    [66, 1030, 257],
    [130, 9, 513],
    // Past one packed chunk of A's rows.
    [1030, 13, 40],
  ];
  for (const [m, n, k] of shapes) {
    // B in the workspace or outside it, row-major or transposed: every layout the packing reads.
    for (const [where, tA, tB, bPlain] of [
      ['workspace', false, true, false],
      ['workspace', false, false, false],
      ['workspace', true, false, true],
      ['plain arrays', true, false, false],
    ] as const) {
      const label = `${where}${tA ? ', A transposed' : ''}${tB ? ', B transposed' : ''}${bPlain ? ', B outside' : ''}`;
      it(`C ← βC + αAB at ${m}×${n}×${k} into ${label}`, () => {
        const kernels = new WasmHostKernels(variant);
        const ws = kernels.workspace([m * k, k * n, m * (n + 3)]);
        const [aStore, bStore, cWs] = ws.arrays;
        fill(aStore, 1);
        fill(bStore, 2);
        const bData = bPlain ? Float64Array.from(bStore) : bStore;
        // A is m×k: stored k×m when transposed. B is k×n: stored n×k when transposed.
        const a = tA ? transposed(view(aStore, 0, m)) : view(aStore, 0, k);
        const b = tB ? transposed(view(bData, 0, k)) : view(bData, 0, n);
        // C is m×n inside a wider row (row stride n + 3), offset by one element.
        const cData = where === 'workspace' ? cWs : new Float64Array(m * (n + 3));
        fill(cData, 3);
        const before = Float64Array.from(cData);
        const c = view(cData, 1, n + 3);
        const [alpha, beta] = [-0.75, 0.5];
        kernels.gemm(m, n, k, alpha, a, b, beta, c);
        let worst = 0;
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += at(a, i, p) * at(b, p, j);
            const want = beta * before[1 + i * (n + 3) + j] + alpha * s;
            worst = Math.max(worst, Math.abs(at(c, i, j) - want) / (1 + Math.abs(want)));
          }
        expect(worst).toBeLessThan(1e-13 * Math.sqrt(k));
        // Entries outside the view (the padding columns) are untouched.
        for (let i = 0; i < m; i++)
          for (let j = n; j < n + 2; j++) expect(cData[1 + i * (n + 3) + j]).toBe(before[1 + i * (n + 3) + j]);
        ws.release();
      });
    }
  }

  it('upper-triangle product, in place and through scratch, ragged and past one band', () => {
    const kernels = new WasmHostKernels(variant);
    for (const [n, k, inPlace] of [
      [1, 1, true],
      [130, 5, true],
      [301, 64, true],
      [130, 5, false],
    ] as const) {
      const ws = kernels.workspace([n * k, k * n, n * (n + 1)]);
      const [a, b, cWs] = ws.arrays;
      fill(a, 4);
      fill(b, 5);
      const cData = inPlace ? cWs : new Float64Array(n * (n + 1));
      fill(cData, 6);
      const before = Float64Array.from(cData);
      kernels.gemmUpper(n, k, -0.5, view(a, 0, k), view(b, 0, n), view(cData, 0, n + 1));
      for (let i = 0; i < n; i++)
        for (let j = i; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
          const want = before[i * (n + 1) + j] - 0.5 * s;
          expect(Math.abs(cData[i * (n + 1) + j] - want)).toBeLessThan(1e-13 * (1 + Math.abs(want)));
        }
      ws.release();
    }
  });

  it('symmetric product from the upper triangle, odd and even row counts', () => {
    const kernels = new WasmHostKernels(variant);
    // 1100 and 1101 rows are long enough to be cut into parts.
    for (const n of [1, 2, 9, 64, 133, 1100, 1101]) {
      const ws = kernels.workspace([n * n, n, n]);
      const [a, v, p] = ws.arrays;
      fill(a, n);
      fill(v, n + 1);
      fill(p, n + 2);
      const p0 = Float64Array.from(p);
      const lo = n > 4 ? 3 : 0;
      kernels.symvUpper(a, n, v, 0, p, lo, n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        if (i >= lo) for (let j = lo; j < n; j++) s += (j >= i ? a[i * n + j] : a[j * n + i]) * v[j];
        expect(Math.abs(p[i] - (p0[i] + s))).toBeLessThan(1e-12 * (1 + Math.abs(s)));
      }
      ws.release();
    }
  });

  it('panel products of the reduction, odd and even column counts', () => {
    const kernels = new WasmHostKernels(variant);
    const [n, ld, lo] = [37, 8, 5];
    for (const cols of [1, 4, 7]) {
      const ws = kernels.workspace([n * ld, n * ld, n + 2, 2 * ld, ld, ld, n]);
      const [v, w, out, xy, s1, s2, u] = ws.arrays;
      [v, w, out, xy, u].forEach((x, i) => fill(x, 10 * cols + i));
      const before = Float64Array.from(out);
      kernels.panelMv(out, 2, v, w, ld, xy, 0, xy, ld, cols, lo, n);
      kernels.panelTv(s1, s2, v, w, ld, u, 0, cols, lo, n);
      for (let j = 0; j < n; j++) {
        let s = 0;
        if (j >= lo) for (let t = 0; t < cols; t++) s += v[j * ld + t] * xy[t] + w[j * ld + t] * xy[ld + t];
        expect(Math.abs(out[2 + j] - (before[2 + j] - s))).toBeLessThan(1e-13 * (1 + Math.abs(s)));
      }
      for (let t = 0; t < cols; t++) {
        let a1 = 0;
        let a2 = 0;
        for (let i = lo; i < n; i++) {
          a1 += w[i * ld + t] * u[i];
          a2 += v[i * ld + t] * u[i];
        }
        expect(Math.abs(s1[t] - a1)).toBeLessThan(1e-13 * (1 + Math.abs(a1)));
        expect(Math.abs(s2[t] - a2)).toBeLessThan(1e-13 * (1 + Math.abs(a2)));
      }
      ws.release();
    }
  });

  for (const c of eighCases) {
    test(`symmetricEigen on them, ${c.name}, against LAPACK`, () => {
      useHostKernels(new WasmHostKernels(variant));
      const a = buildEighCase(c);
      expectMatchesLapack(c, a, symmetricEigen(a, c.n));
    });
  }
});

// Helper threads (worker_threads over a shared memory) cut products into parts that write disjoint outputs, and the
// symmetric product into a fixed number of parts: results must equal the single-threaded kernels' bit for bit.
describe('f64 host kernels with helper threads', () => {
  const variant = variants[variants.length - 1];
  const solo = new WasmHostKernels(variant);
  const teams = [1, 2].map((helpers) => new WasmHostKernels(variant, nodeHostThreads(helpers)));

  it('names the thread count', () => {
    expect(teams.map((t) => t.name.split('×')[1])).toEqual(['2', '3']);
  });

  /** Entries that differ (Object.is, so −0 and NaN count), counted without a deep-equality walk. */
  const differing = (x: Float64Array, y: Float64Array) => {
    let bad = x.length === y.length ? 0 : Infinity;
    for (let i = 0; i < x.length && bad !== Infinity; i++) if (!Object.is(x[i], y[i])) bad++;
    return bad;
  };

  /** The same calls on one thread and on each team: the workspace's arrays afterwards. */
  function onEach(lengths: number[], work: (k: WasmHostKernels, arrays: Float64Array[]) => void): Float64Array[][] {
    return [solo, ...teams].map((kernels) => {
      const ws = kernels.workspace(lengths);
      ws.arrays.forEach((x, i) => fill(x, 40 + i));
      work(kernels, ws.arrays);
      const out = ws.arrays.map((x) => Float64Array.from(x));
      ws.release();
      return out;
    });
  }

  it.each([
    [1030, 1030, 64],
    [33, 2050, 300],
    [5, 6, 7],
  ])('GEMM %i×%i×%i in place equals one thread', (m, n, k) => {
    const [one, ...many] = onEach([m * k, k * n, m * n], (kernels, [a, b, c]) =>
      kernels.gemm(m, n, k, -1, view(a, 0, k), view(b, 0, n), 1, view(c, 0, n)),
    );
    for (const r of many) expect(differing(r[2], one[2])).toBe(0);
  });

  it('symmetric product equals one thread', () => {
    const n = 1500;
    const [one, ...many] = onEach([n * n, n, n], (kernels, [a, v, p]) => kernels.symvUpper(a, n, v, 0, p, 7, n));
    for (const r of many) expect(differing(r[2], one[2])).toBe(0);
  });

  test('symmetricEigen equals one thread (d = 700, products cut into parts) and matches LAPACK', () => {
    const n = 700;
    const a = fill(new Float64Array(n * n), 9);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i];
    useHostKernels(solo);
    const one = symmetricEigen(a, n);
    for (const team of teams) {
      useHostKernels(team);
      const r = symmetricEigen(a, n);
      expect(differing(r.values, one.values)).toBe(0);
      expect(differing(r.vectors, one.vectors)).toBe(0);
    }
    // The helpers did take parts (they start asynchronously, so not necessarily in the first products).
    expect(teams[0].helperParts + teams[1].helperParts).toBeGreaterThan(0);
    const c = eighCases.find((x) => x.name === 'random-256')!;
    const b = buildEighCase(c);
    expectMatchesLapack(c, b, symmetricEigen(b, c.n));
  });
});
