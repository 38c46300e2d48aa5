// symmetricEigen against closed forms and against properties any exact eigen-decomposition has; never against
// its own earlier output.
import { describe, expect, test } from 'vitest';
import { meanAndCovariance, symmetricEigen, type SymmetricEigen } from '../../../src/core/math/linalg';
import { createRng, normal } from '../../../src/core/math/rng';

function randomSymmetric(n: number, seed: number): Float64Array {
  const random = createRng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = normal(random);
  return a;
}

function frobenius(a: Float64Array): number {
  let s = 0;
  for (const x of a) s += x * x;
  return Math.sqrt(s);
}

/** Component i of eigenvector k as a plain array. */
function column(e: SymmetricEigen, n: number, k: number): number[] {
  return Array.from({ length: n }, (_, i) => e.vectors[i * n + k]);
}

/** Max |A v − λ v| over all pairs. */
function maxResidual(a: Float64Array, n: number, e: SymmetricEigen): number {
  let worst = 0;
  for (let k = 0; k < n; k++) {
    const v = column(e, n, k);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
      worst = Math.max(worst, Math.abs(s - e.values[k] * v[i]));
    }
  }
  return worst;
}

/** Max |VᵀV − I|. */
function orthonormalityError(e: SymmetricEigen, n: number): number {
  const v = e.vectors;
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < n; p++) {
      const vip = v[i * n + p];
      for (let q = 0; q < n; q++) gram[p * n + q] += vip * v[i * n + q];
    }
  }
  let worst = 0;
  for (let p = 0; p < n; p++)
    for (let q = 0; q < n; q++) worst = Math.max(worst, Math.abs(gram[p * n + q] - (p === q ? 1 : 0)));
  return worst;
}

function expectDescending(values: Float64Array): void {
  for (let k = 1; k < values.length; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
}

/** The documented sign convention: each vector's largest-magnitude component is positive. */
function expectSignConvention(e: SymmetricEigen, n: number): void {
  for (let k = 0; k < n; k++) {
    const v = column(e, n, k);
    const big = v.reduce((m, x) => (Math.abs(x) > Math.abs(m) ? x : m), 0);
    expect(big).toBeGreaterThan(0);
  }
}

/** Householder reflection I − 2wwᵀ/wᵀw for a seeded w: an orthogonal matrix to hide a known spectrum in. */
function reflection(n: number, seed: number): Float64Array {
  const random = createRng(seed);
  const w = Array.from({ length: n }, () => normal(random));
  const ww = w.reduce((s, x) => s + x * x, 0);
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) q[i * n + j] = (i === j ? 1 : 0) - (2 * w[i] * w[j]) / ww;
  return q;
}

/** Q diag(λ) Qᵀ. */
function withSpectrum(q: Float64Array, lambda: number[]): Float64Array {
  const n = lambda.length;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k] * lambda[k] * q[j * n + k];
      a[i * n + j] = s;
    }
  return a;
}

describe('closed forms', () => {
  test('n = 0 and n = 1', () => {
    const empty = symmetricEigen(new Float64Array(0), 0);
    expect(empty.values.length).toBe(0);
    expect(empty.vectors.length).toBe(0);
    const one = symmetricEigen(Float64Array.of(-3.5), 1);
    expect(Array.from(one.values)).toEqual([-3.5]);
    expect(Array.from(one.vectors)).toEqual([1]);
  });

  test('a diagonal matrix gives its diagonal, sorted, with unit basis vectors', () => {
    const diag = [3, -1, 0, 7, 3.5, -8];
    const n = diag.length;
    const a = new Float64Array(n * n);
    diag.forEach((x, i) => (a[i * n + i] = x));
    const e = symmetricEigen(a, n);
    const sorted = [...diag].sort((x, y) => y - x);
    expect(Array.from(e.values)).toEqual(sorted);
    sorted.forEach((x, k) => {
      const unit = Array.from({ length: n }, (_, i) => (i === diag.indexOf(x) ? 1 : 0));
      expect(column(e, n, k)).toEqual(unit);
    });
  });

  test('a 2×2 matrix matches its characteristic polynomial', () => {
    // [[4, 1], [1, −2]]: λ = 1 ± √10, and (A − λI)v = 0 gives v ∝ (1, λ − 4).
    const e = symmetricEigen(Float64Array.of(4, 1, 1, -2), 2);
    const lambda = [1 + Math.sqrt(10), 1 - Math.sqrt(10)];
    lambda.forEach((l, k) => {
      expect(e.values[k]).toBeCloseTo(l, 13);
      const len = Math.hypot(1, l - 4);
      const ref = [1 / len, (l - 4) / len];
      const sign = Math.abs(ref[0]) >= Math.abs(ref[1]) ? Math.sign(ref[0]) : Math.sign(ref[1]);
      column(e, 2, k).forEach((x, i) => expect(x).toBeCloseTo(sign * ref[i], 13));
    });
  });

  test('the all-ones matrix has eigenvalue n along (1, …, 1)/√n and n − 1 zeros', () => {
    const n = 9;
    const e = symmetricEigen(new Float64Array(n * n).fill(1), n);
    expect(e.values[0]).toBeCloseTo(n, 12);
    for (let k = 1; k < n; k++) expect(Math.abs(e.values[k])).toBeLessThan(1e-13);
    column(e, n, 0).forEach((x) => expect(x).toBeCloseTo(1 / Math.sqrt(n), 13));
    expect(orthonormalityError(e, n)).toBeLessThan(1e-13);
  });

  test('a tridiagonal Toeplitz matrix: λ_k = a + 2b·cos(kπ/(n+1)), v_k(j) ∝ sin(jkπ/(n+1))', () => {
    const n = 60;
    const diag = 2;
    const sub = -0.75; // b < 0: the k = n eigenvalue is the largest, so the order is reversed from k
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = diag;
      if (i + 1 < n) a[i * n + i + 1] = a[(i + 1) * n + i] = sub;
    }
    const e = symmetricEigen(a, n);
    for (let idx = 0; idx < n; idx++) {
      const k = n - idx;
      expect(e.values[idx]).toBeCloseTo(diag + 2 * sub * Math.cos((k * Math.PI) / (n + 1)), 13);
      // Both are unit vectors; the eigenvalues are distinct, so they agree up to sign.
      let dot = 0;
      for (let j = 0; j < n; j++)
        dot += e.vectors[j * n + idx] * Math.sqrt(2 / (n + 1)) * Math.sin(((j + 1) * k * Math.PI) / (n + 1));
      expect(Math.abs(dot)).toBeCloseTo(1, 12);
    }
  });

  test('a spectrum hidden by an orthogonal similarity comes back', () => {
    const lambda = [9, 4, 4, 1, 0, -2, -2, -2, -7];
    const n = lambda.length;
    const e = symmetricEigen(withSpectrum(reflection(n, 5), lambda), n);
    e.values.forEach((x, k) => expect(x).toBeCloseTo(lambda[k], 13));
  });
});

describe('properties on seeded random symmetric matrices', () => {
  test.each([2, 3, 10, 57, 200])('n = %i: residual, orthonormality, trace and Frobenius norm', (n) => {
    const a = randomSymmetric(n, 1000 + n);
    const e = symmetricEigen(a, n);
    const norm = frobenius(a);
    expectDescending(e.values);
    expectSignConvention(e, n);
    expect(maxResidual(a, n, e)).toBeLessThanOrEqual(1e-10 * norm);
    expect(orthonormalityError(e, n)).toBeLessThan(1e-12);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    const sum = e.values.reduce((s, x) => s + x, 0);
    expect(Math.abs(sum - trace)).toBeLessThan(1e-12 * n * norm);
    const sumSquares = e.values.reduce((s, x) => s + x * x, 0);
    expect(Math.abs(Math.sqrt(sumSquares) - norm)).toBeLessThan(1e-12 * norm);
  });

  test('only the upper triangle is read', () => {
    const n = 12;
    const a = randomSymmetric(n, 7);
    const upperOnly = Float64Array.from(a);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) upperOnly[i * n + j] = Number.NaN;
    const e = symmetricEigen(upperOnly, n);
    expect(maxResidual(a, n, e)).toBeLessThan(1e-12 * frobenius(a));
  });

  test('badly scaled entries (1e±150) neither overflow nor underflow', () => {
    for (const scale of [1e150, 1e-150]) {
      const n = 20;
      const a = randomSymmetric(n, 11).map((x) => x * scale);
      const e = symmetricEigen(a, n);
      expect(maxResidual(a, n, e)).toBeLessThanOrEqual(1e-10 * frobenius(a));
      expect(orthonormalityError(e, n)).toBeLessThan(1e-12);
    }
  });
});

describe('degenerate spectra', () => {
  test('identity plus a rank-1 update: one eigenvalue 1 + ‖u‖² along u, the rest 1 with an orthonormal basis', () => {
    const n = 40;
    const random = createRng(3);
    const u = Array.from({ length: n }, () => normal(random));
    const uu = u.reduce((s, x) => s + x * x, 0);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = (i === j ? 1 : 0) + u[i] * u[j];
    const e = symmetricEigen(a, n);
    expect(e.values[0]).toBeCloseTo(1 + uu, 11);
    for (let k = 1; k < n; k++) expect(e.values[k]).toBeCloseTo(1, 13);
    const top = column(e, n, 0);
    const cos = top.reduce((s, x, i) => s + x * u[i], 0) / Math.sqrt(uu);
    expect(Math.abs(cos)).toBeCloseTo(1, 13);
    expect(orthonormalityError(e, n)).toBeLessThan(1e-12);
    expect(maxResidual(a, n, e)).toBeLessThan(1e-12 * frobenius(a));
  });

  test('a covariance from fewer rows than columns has exactly d − (rows − 1) zero eigenvalues', () => {
    const rows = 12;
    const d = 48;
    const random = createRng(21);
    const x = Float32Array.from({ length: rows * d }, () => normal(random));
    const { cov } = meanAndCovariance(
      x,
      d,
      Array.from({ length: rows }, (_, i) => i),
    );
    const e = symmetricEigen(cov, d);
    // Centring costs one dimension: rank rows − 1.
    const tol = 1e-12 * e.values[0];
    const zeros = e.values.filter((l) => Math.abs(l) <= tol).length;
    expect(zeros).toBe(d - (rows - 1));
    expect(e.values[rows - 2]).toBeGreaterThan(1e-3 * e.values[0]);
    expect(orthonormalityError(e, d)).toBeLessThan(1e-12);
    expect(maxResidual(cov, d, e)).toBeLessThanOrEqual(1e-10 * frobenius(cov));
  });
});

describe('errors', () => {
  test('non-finite entries are named', () => {
    const a = randomSymmetric(4, 1);
    a[1 * 4 + 2] = Number.NaN;
    expect(() => symmetricEigen(a, 4)).toThrow(/entry \(1, 2\) is NaN.*finite/);
    a[1 * 4 + 2] = Number.POSITIVE_INFINITY;
    expect(() => symmetricEigen(a, 4)).toThrow(/entry \(1, 2\) is Infinity/);
  });

  test('a matrix whose size does not match n', () => {
    expect(() => symmetricEigen(new Float64Array(8), 3)).toThrow(/8 entries, expected 3×3/);
  });

  test('QL running past its iteration cap throws instead of returning unconverged pairs', () => {
    const a = randomSymmetric(30, 2);
    expect(() => symmetricEigen(a, 30, 1)).toThrow(/did not converge.*1 iterations/);
    expect(() => symmetricEigen(a, 30)).not.toThrow();
  });
});
