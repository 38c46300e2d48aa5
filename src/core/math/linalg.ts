// Dense f64 linear algebra for the host side of closed-form methods (LDA, ridge, Mahalanobis, LEACE, PCA):
// matrices are D×D with D up to a few thousand, row-major Float64Array. Symmetric problems use the cyclic
// Jacobi method: slower than tridiagonal QR for huge D, but accurate to working precision and deterministic,
// which is what seeded, reproducible directions need.

export interface SymmetricEigen {
  /** Eigenvalues in descending order. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major D×D matrix, in the same order (V[i*D + k] = component i of vector k). */
  vectors: Float64Array;
}

/** Eigen-decomposition of a symmetric matrix (only the upper triangle need be meaningful). */
export function symmetricEigen(matrix: Float64Array, n: number, maxSweeps = 100): SymmetricEigen {
  const a = Float64Array.from(matrix);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i];
  const v = identity(n);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j] ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y] - a[x * n + x]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    // Fix each vector's sign (largest-magnitude component positive) so directions are deterministic.
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(v[i * n + src]) > Math.abs(big)) big = v[i * n + src];
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[i * n + dst] = sign * v[i * n + src];
  });
  return { values, vectors };
}

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
        if (!(s > 0)) throw new Error(`matrix is not positive definite (pivot ${i} is ${s}); add shrinkage or regularisation`);
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
export function meanAndCovariance(x: Float32Array, d: number, rows: ArrayLike<number>, ddof = 0): { mean: Float64Array; cov: Float64Array } {
  const n = rows.length;
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) { const o = rows[r] * d; for (let j = 0; j < d; j++) mean[j] += x[o + j]; }
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
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) { cov[i * d + j] /= denom; cov[j * d + i] = cov[i * d + j]; }
  return { mean, cov };
}
