// Dense f64 linear algebra for the host side of closed-form methods (LDA, ridge, Mahalanobis, LEACE, PCA):
// matrices are D×D with D up to a few thousand, row-major Float64Array. Symmetric problems use Householder
// tridiagonalisation then implicit-shift QL (O(D³) once, where cyclic Jacobi paid that per sweep): backward
// stable, eigenvalues accurate to about eps·‖A‖, and deterministic (fixed operation order, fixed signs),
// which is what seeded, reproducible directions need. Every O(D³) loop walks along rows: the reduction reads
// only the upper triangle, and eigenvectors are kept as rows until the final copy into columns.

export interface SymmetricEigen {
  /** Eigenvalues in descending order. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major D×D matrix, in the same order (V[i*D + k] = component i of vector k). */
  vectors: Float64Array;
}

/** A coupling this small beside its diagonal neighbours is rounding noise: the tridiagonal splits there. */
const EPS = Number.EPSILON;
/** Smallest normal f64: couplings below it also split, so QL never chases subnormals (or exact zeros). */
const TINY = 2 ** -1022;

/**
 * Eigen-decomposition of a symmetric matrix (only the upper triangle need be meaningful). `maxIterations`
 * caps the implicit QL steps spent on any one eigenvalue (2–3 is typical); past it this throws rather than
 * return unconverged pairs.
 */
export function symmetricEigen(matrix: Float64Array, n: number, maxIterations = 100): SymmetricEigen {
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`symmetricEigen: invalid dimension ${n}`);
  if (matrix.length !== n * n)
    throw new Error(`symmetricEigen: matrix has ${matrix.length} entries, expected ${n}×${n}`);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const x = matrix[i * n + j];
      if (!Number.isFinite(x))
        throw new Error(`symmetricEigen: matrix entry (${i}, ${j}) is ${x}; the matrix must be finite`);
    }
  }
  const a = Float64Array.from(matrix);
  const diag = new Float64Array(n);
  const off = new Float64Array(n);
  const beta = tridiagonalize(a, n, diag, off);
  const rows = reflectorProductTransposed(a, n, beta);
  tridiagonalQL(diag, off, rows, n, maxIterations);
  return sortedPairs(diag, rows, n, a);
}

/**
 * Householder reduction A = Q T Qᵀ, in place on the upper triangle of `a`. Step k reflects row k right of the
 * superdiagonal to zero with H_k = I − β_k v vᵀ; v is left in row k (columns k+1…n−1) for the eigenvector
 * step, and β_k returned (0 where the row was already reduced). T's diagonal goes to d, its superdiagonal to e.
 */
function tridiagonalize(a: Float64Array, n: number, d: Float64Array, e: Float64Array): Float64Array {
  const beta = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const vo = k * n;
    d[k] = a[vo + k];
    let tail = 0;
    for (let j = k + 2; j < n; j++) tail += Math.abs(a[vo + j]);
    if (tail === 0) {
      e[k] = a[vo + k + 1];
      continue;
    }
    // Work on the row divided by its 1-norm, so squaring its entries can neither overflow nor underflow.
    const scale = tail + Math.abs(a[vo + k + 1]);
    let h = 0;
    for (let j = k + 1; j < n; j++) {
      const x = a[vo + j] / scale;
      a[vo + j] = x;
      h += x * x;
    }
    const f = a[vo + k + 1];
    // The reflected row is g·e₁ with |g| = ‖x‖; taking g opposite in sign to x₁ keeps v₁ = x₁ − g free of cancellation.
    const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    e[k] = scale * g;
    a[vo + k + 1] = f - g;
    const b = 1 / (h - f * g); // vᵀv = 2(h − f g), so β = 2 / vᵀv
    beta[k] = b;
    // B ← H B H for the trailing block B, as B − v wᵀ − w vᵀ with p = β B v and w = p − (β vᵀp / 2) v.
    // B v from the upper triangle alone: row i contributes its dot with v to p_i and v_i times itself to p_j>i.
    w.fill(0, k + 1, n);
    for (let i = k + 1; i < n; i++) {
      const ro = i * n;
      const vi = a[vo + i];
      let s = a[ro + i] * vi;
      for (let j = i + 1; j < n; j++) {
        const aij = a[ro + j];
        s += aij * a[vo + j];
        w[j] += aij * vi;
      }
      w[i] += s;
    }
    let vp = 0;
    for (let j = k + 1; j < n; j++) {
      w[j] *= b;
      vp += a[vo + j] * w[j];
    }
    const half = 0.5 * b * vp;
    for (let j = k + 1; j < n; j++) w[j] -= half * a[vo + j];
    for (let i = k + 1; i < n; i++) {
      const ro = i * n;
      const vi = a[vo + i];
      const wi = w[i];
      for (let j = i; j < n; j++) a[ro + j] -= vi * w[j] + wi * a[vo + j];
    }
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2];
    e[n - 2] = a[(n - 2) * n + n - 1];
  }
  if (n >= 1) d[n - 1] = a[n * n - 1];
  return beta;
}

/**
 * Qᵀ = H_{n−3} ⋯ H_0, row-major, from the reflectors `tridiagonalize` left in `a`. Applying them from the right,
 * last first, means M H_k touches only rows and columns past k (M is still the identity elsewhere), and each
 * touched row is one dot product and one axpy along that row.
 */
function reflectorProductTransposed(a: Float64Array, n: number, beta: Float64Array): Float64Array {
  const m = identity(n);
  for (let k = n - 3; k >= 0; k--) {
    const b = beta[k];
    if (b === 0) continue;
    const vo = k * n;
    for (let r = k + 1; r < n; r++) {
      const ro = r * n;
      let s = 0;
      for (let j = k + 1; j < n; j++) s += m[ro + j] * a[vo + j];
      if (s === 0) continue;
      s *= b;
      for (let j = k + 1; j < n; j++) m[ro + j] -= s * a[vo + j];
    }
  }
  return m;
}

/**
 * Implicit-shift QL on the tridiagonal (d, e), e[i] coupling i and i+1, with eigenvectors held as the ROWS of
 * `z` (starting from Qᵀ): a plane rotation of columns i, i+1 of Q·W is then a rotation of two contiguous rows.
 * On return d holds the eigenvalues (unsorted) and row i of z the unit eigenvector for d[i].
 */
function tridiagonalQL(d: Float64Array, e: Float64Array, z: Float64Array, n: number, maxIterations: number): void {
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      // The unreduced block starting at l ends at the first negligible coupling.
      let m = l;
      while (m < n - 1 && Math.abs(e[m]) > Math.max(EPS * (Math.abs(d[m]) + Math.abs(d[m + 1])), TINY)) m++;
      if (m === l) break;
      if (++iterations > maxIterations) {
        throw new Error(
          `symmetricEigen: QL did not converge for eigenvalue ${l} of ${n} within ${maxIterations} iterations`,
        );
      }
      // Wilkinson shift σ: the eigenvalue of the top 2×2 block nearer d[l], written as σ = d_l − e_l / (t ± √(t²+1))
      // so no difference of near-equal numbers is formed. g starts as d_m − σ, the first rotation's pivot.
      const t = (d[l + 1] - d[l]) / (2 * e[l]);
      const root = Math.hypot(t, 1);
      let g = d[m] - d[l] + e[l] / (t + (t >= 0 ? root : -root));
      let s = 1;
      let c = 1;
      let p = 0; // how far the rotations so far have moved the diagonal below the current row
      let i = m - 1;
      // Chase the bulge from the bottom of the block up to l, one rotation in the (i, i+1) plane per row.
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        const r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) break; // the bulge underflowed: the block has split at i+1
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        const q = (d[i] - g) * s + 2 * c * b;
        p = s * q;
        d[i + 1] = g + p;
        g = c * q - b;
        const io = i * n;
        const jo = io + n;
        for (let k = 0; k < n; k++) {
          const zi = z[io + k];
          const zj = z[jo + k];
          z[jo + k] = s * zi + c * zj;
          z[io + k] = c * zi - s * zj;
        }
      }
      if (i >= l) {
        d[i + 1] -= p;
        e[m] = 0;
        continue;
      }
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/** Descending eigenvalues, and eigenvector rows of `z` copied as columns of `out` with the largest-magnitude component positive. */
function sortedPairs(d: Float64Array, z: Float64Array, n: number, out: Float64Array): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x]);
  const values = Float64Array.from(order, (i) => d[i]);
  order.forEach((src, dst) => {
    const so = src * n;
    // A fixed sign per vector keeps directions deterministic across runs and solvers.
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(z[so + i]) > Math.abs(big)) big = z[so + i];
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) out[i * n + dst] = sign * z[so + i];
  });
  return { values, vectors: out };
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
