// LEACE (Belrose et al. 2023; EleutherAI concept-erasure) in closed form, f64 on the host:
//   W = Σ^{-1/2} (pseudo-inverse square root; Σ optionally shrunk toward tr(Σ)/d·I),
//   U = left singular vectors of W Σ_xz,   r(x) = x − W⁺UUᵀW(x − μ).
// After it Cov(r(X), Z) = 0 on the fitting rows, whatever W is, so no linear classifier beats a constant there.

import { matmul, symmetricEigen, symmetricFunction } from '../math/linalg';
import { covarianceOf, type CovarianceStats } from '../detect/covariance-stats';
import { optimalLinearShrinkage, shrinkToScaledIdentity } from '../stats/covariance-shrinkage';
import type { LinearEraser } from './linear-eraser';

export interface LeaceOptions {
  /** Shrink Σ toward tr(Σ)/d·I with concept-erasure's optimal linear shrinkage (its default: on). */
  shrinkage: boolean;
}

/**
 * Singular values of W Σ_xz below this fraction of the largest are treated as zero: with f64 eigen of the
 * small k×k Gram, null singular values come out near √eps·s_max ≈ 1e-8·s_max (one-hot Z has rank K − 1).
 */
const SINGULAR_REL_TOL = 1e-6;

export function fitLeace(
  stats: CovarianceStats,
  sigmaXZ: Float64Array,
  k: number,
  options: LeaceOptions,
): LinearEraser {
  const { d, n } = stats;
  let cov = covarianceOf(stats, 0);
  const shrinkage = options.shrinkage ? optimalLinearShrinkage(cov, d, n) : 0;
  if (shrinkage > 0) cov = shrinkToScaledIdentity(cov, d, shrinkage);
  const eigen = symmetricEigen(cov, d);
  // torch.linalg.pinv's threshold, as concept-erasure uses: λ > λ_max · d · eps.
  const cutoff = Math.max(eigen.values[0], 0) * d * Number.EPSILON;
  const w = symmetricFunction(eigen, d, (l) => (l > cutoff ? 1 / Math.sqrt(l) : 0));
  const wInv = symmetricFunction(eigen, d, (l) => (l > cutoff ? Math.sqrt(l) : 0));

  const m = matmul(w, sigmaXZ, d, d, k); // W Σ_xz, d×k
  // Thin SVD of M through the k×k Gram MᵀM = V S² Vᵀ: U = M V S⁻¹. k is the number of concept columns.
  const gram = matmul(transpose(m, d, k), m, k, d, k);
  const g = symmetricEigen(gram, k);
  const sMax = Math.sqrt(Math.max(g.values[0], 0));
  const kept: number[] = [];
  for (let i = 0; i < k; i++)
    if (Math.sqrt(Math.max(g.values[i], 0)) > SINGULAR_REL_TOL * sMax && sMax > 0) kept.push(i);
  const rank = kept.length;
  const u = new Float64Array(d * rank);
  kept.forEach((col, r) => {
    const s = Math.sqrt(g.values[col]);
    for (let j = 0; j < d; j++) {
      let v = 0;
      for (let c = 0; c < k; c++) v += m[j * k + c] * g.vectors[c * k + col];
      u[j * rank + r] = v / s;
    }
  });
  const left = matmul(wInv, u, d, d, rank); // W⁺U, d×r
  const right = matmul(transpose(u, d, rank), w, rank, d, d); // UᵀW, r×d
  return { method: 'leace', d, rank, mean: stats.mean, left, right, shrinkage };
}

function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}
