import { expect, test } from 'vitest';
import {
  cholesky,
  matmul,
  meanAndCovariance,
  pinvSymmetric,
  solveSpd,
  symmetricEigen,
} from '../../../src/core/math/linalg';

test('symmetric eigen-decomposition of a matrix with known eigenpairs', () => {
  // [[2,1],[1,2]] has eigenvalues 3 (along [1,1]/√2) and 1 (along [1,−1]/√2).
  const e = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
  expect(e.values[0]).toBeCloseTo(3, 12);
  expect(e.values[1]).toBeCloseTo(1, 12);
  expect(Math.abs(e.vectors[0])).toBeCloseTo(Math.SQRT1_2, 12);
  expect(e.vectors[0] * e.vectors[2]).toBeCloseTo(0.5, 12);
});

test('eigenvectors reconstruct a random symmetric matrix', () => {
  const n = 6;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = Math.sin(i * 7 + j * 3);
  const { values, vectors } = symmetricEigen(a, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k] * values[k] * vectors[j * n + k];
      expect(s).toBeCloseTo(a[i * n + j], 10);
    }
});

test('Cholesky solve against a hand-checked system, and a clear error for a non-SPD matrix', () => {
  // [[4,2],[2,3]] x = [2, 5] → x = [−0.5, 2].
  const x = solveSpd(Float64Array.from([4, 2, 2, 3]), 2, Float64Array.from([2, 5]), 1);
  expect(x[0]).toBeCloseTo(-0.5, 12);
  expect(x[1]).toBeCloseTo(2, 12);
  expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
});

test('pseudo-inverse of a rank-deficient matrix satisfies A A⁺ A = A', () => {
  const a = Float64Array.from([1, 1, 1, 1]);
  const p = pinvSymmetric(a, 2);
  expect(Array.from(p)).toEqual([0.25, 0.25, 0.25, 0.25].map((v) => expect.closeTo(v, 12)));
  const back = matmul(matmul(a, p, 2, 2, 2), a, 2, 2, 2);
  back.forEach((v, i) => expect(v).toBeCloseTo(a[i], 12));
});

test('covariance of selected rows with population normalisation', () => {
  const x = Float32Array.from([1, 2, 3, 4, 100, 100, 5, 0]);
  const { mean, cov } = meanAndCovariance(x, 2, [0, 1, 3]);
  expect(Array.from(mean)).toEqual([3, 2]);
  // deviations: (−2,0), (0,2), (2,−2) → var x = 8/3, var y = 8/3, cov = −4/3
  expect(cov[0]).toBeCloseTo(8 / 3, 12);
  expect(cov[1]).toBeCloseTo(-4 / 3, 12);
  expect(cov[3]).toBeCloseTo(8 / 3, 12);
});
