// Dense f64 linear algebra for the host side of closed-form methods (LDA, ridge, Mahalanobis, LEACE, PCA):
// matrices are D×D with D up to a few thousand, row-major Float64Array. The symmetric eigensolver lives in
// symmetric-eigen.ts (blocked, divide and conquer) and is re-exported here for the estimators.
import { symmetricEigen, type SymmetricEigen } from './symmetric-eigen';

export { symmetricEigen, type SymmetricEigen };

export function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

/** Cholesky factor L (lower, row-major) of a symmetric positive-definite matrix; throws if not SPD. */
export function cholesky(matrix: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = matrix[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0))
          throw new Error(`matrix is not positive definite (pivot ${i} is ${s}); add shrinkage or regularisation`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  return l;
}

/** Solves A X = B for SPD A (n×n) and B (n×m), by Cholesky. */
export function solveSpd(a: Float64Array, n: number, b: Float64Array, m: number): Float64Array {
  const l = cholesky(a, n);
  const x = Float64Array.from(b);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = x[i * m + c];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k * m + c];
      x[i * m + c] = s / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * m + c];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k * m + c];
      x[i * m + c] = s / l[i * n + i];
    }
  }
  return x;
}

/**
 * f(A) for symmetric A through its eigen-decomposition: V diag(f(λ)) Vᵀ. Used for pseudo-inverses
 * (f = 1/λ above a cutoff) and inverse square roots (whitening).
 */
export function symmetricFunction(eigen: SymmetricEigen, n: number, f: (lambda: number) => number): Float64Array {
  const { values, vectors } = eigen;
  const fv = Float64Array.from(values, f);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k] * fv[k] * vectors[j * n + k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/** Moore-Penrose pseudo-inverse of a symmetric PSD matrix; eigenvalues below rcond·λmax count as zero. */
export function pinvSymmetric(a: Float64Array, n: number, rcond = 1e-12): Float64Array {
  const eigen = symmetricEigen(a, n);
  const cutoff = rcond * Math.max(Math.abs(eigen.values[0] ?? 0), 0);
  return symmetricFunction(eigen, n, (l) => (l > cutoff ? 1 / l : 0));
}

/** C = A (r×k) · B (k×c), row-major f64. */
export function matmul(a: Float64Array, b: Float64Array, r: number, k: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let t = 0; t < k; t++) {
      const ait = a[i * k + t];
      if (ait === 0) continue;
      for (let j = 0; j < c; j++) out[i * c + j] += ait * b[t * c + j];
    }
  }
  return out;
}

/** Column means and the (population, ddof = 0) covariance of the given rows of an [N, D] f32 matrix. */
export function meanAndCovariance(
  x: Float32Array,
  d: number,
  rows: ArrayLike<number>,
  ddof = 0,
): { mean: Float64Array; cov: Float64Array } {
  const n = rows.length;
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = rows[r] * d;
    for (let j = 0; j < d; j++) mean[j] += x[o + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = rows[r] * d;
    for (let j = 0; j < d; j++) centred[j] = x[o + j] - mean[j];
    for (let i = 0; i < d; i++) {
      const ci = centred[i];
      if (ci === 0) continue;
      for (let j = i; j < d; j++) cov[i * d + j] += ci * centred[j];
    }
  }
  const denom = Math.max(1, n - ddof);
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      cov[i * d + j] /= denom;
      cov[j * d + i] = cov[i * d + j];
    }
  return { mean, cov };
}
