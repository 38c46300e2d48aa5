// An affine concept eraser r(x) = x − L·R·(x − μ), stored factored (L [d×r], R [r×d]) as EleutherAI's
// concept-erasure stores proj_left/proj_right: applying costs O(d·r) per row and exporting stays small.
// LEACE, mean-difference ablation and probe-direction projection are all of this form.

export type ErasureMethod = 'leace' | 'mean-difference' | 'probe-direction';

export interface LinearEraser {
  method: ErasureMethod;
  d: number;
  /** Rank r of the edit (number of erased directions). */
  rank: number;
  /** μ [d]: the point the edit is centred on (mean of the fitting rows). */
  mean: Float64Array;
  /** L [d×r] row-major. */
  left: Float64Array;
  /** R [r×d] row-major. */
  right: Float64Array;
  /** Covariance shrinkage used while fitting (LEACE only; 0 otherwise). */
  shrinkage: number;
}

/** Erased copies of the given rows (all rows when absent) of an [N, d] matrix; arithmetic in f64, output f32. */
export function applyEraser(e: LinearEraser, x: Float32Array, d: number, rows?: ArrayLike<number>): Float32Array {
  if (d !== e.d) throw new Error(`eraser was fitted on ${e.d} dimensions; these activations have ${d}`);
  const n = rows ? rows.length : x.length / d;
  const out = new Float32Array(n * d);
  const c = new Float64Array(d);
  const t = new Float64Array(e.rank);
  for (let r = 0; r < n; r++) {
    const o = (rows ? rows[r] : r) * d;
    for (let j = 0; j < d; j++) c[j] = x[o + j] - e.mean[j];
    for (let k = 0; k < e.rank; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += e.right[k * d + j] * c[j];
      t[k] = s;
    }
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < e.rank; k++) s += e.left[j * e.rank + k] * t[k];
      out[r * d + j] = x[o + j] - s;
    }
  }
  return out;
}

/** Orthogonal projection eraser onto the complement of span(directions); directions [d×r] need not be orthonormal. */
export function projectionEraser(
  method: ErasureMethod,
  mean: Float64Array,
  directions: Float64Array,
  d: number,
  r: number,
): LinearEraser {
  const basis = orthonormalColumns(directions, d, r);
  const rank = basis.length / d;
  const left = new Float64Array(d * rank);
  const right = new Float64Array(rank * d);
  for (let k = 0; k < rank; k++) {
    for (let j = 0; j < d; j++) {
      left[j * rank + k] = basis[k * d + j];
      right[k * d + j] = basis[k * d + j];
    }
  }
  return { method, d, rank, mean, left, right, shrinkage: 0 };
}

/**
 * Modified Gram-Schmidt on the columns of A [d×r]; columns whose remainder is below 1e-10 of their
 * original norm are dependent and dropped. Returns the basis as rows (rank×d).
 */
export function orthonormalColumns(a: Float64Array, d: number, r: number): Float64Array {
  const basis: Float64Array[] = [];
  for (let c = 0; c < r; c++) {
    const v = Float64Array.from({ length: d }, (_, j) => a[j * r + c]);
    const norm0 = Math.hypot(...v);
    for (const b of basis) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += b[j] * v[j];
      for (let j = 0; j < d; j++) v[j] -= dot * b[j];
    }
    const norm = Math.hypot(...v);
    if (!(norm > 1e-10 * norm0)) continue;
    for (let j = 0; j < d; j++) v[j] /= norm;
    basis.push(v);
  }
  const out = new Float64Array(basis.length * d);
  basis.forEach((b, k) => out.set(b, k * d));
  return out;
}
