// SVD of a weight matrix (probe weights [d×K], SAE decoder [m×d]) through the eigen-decomposition of its smaller
// Gram matrix, in f64. Squaring the matrix squares its condition number: singular values below about
// √eps·s_max ≈ 1.5e-8·s_max are not resolved (reported as computed, clamped at 0).

import { symmetricEigen } from '../math/linalg';

export interface WeightSvd {
  rows: number;
  cols: number;
  /** Descending, length min(rows, cols). */
  singularValues: Float64Array;
  /** Top `k` left singular vectors as rows [k×rows], and right singular vectors as rows [k×cols]. */
  left: Float64Array;
  right: Float64Array;
  k: number;
}

export function weightSvd(w: ArrayLike<number>, rows: number, cols: number, k = Math.min(rows, cols, 16)): WeightSvd {
  if (w.length !== rows * cols) throw new Error(`weight matrix has ${w.length} values, expected ${rows}×${cols}`);
  for (let i = 0; i < w.length; i++) if (!Number.isFinite(w[i])) throw new Error(`weight ${i} is ${w[i]}`);
  const small = Math.min(rows, cols);
  k = Math.min(k, small);
  const byCols = cols <= rows; // Gram over the smaller side: WᵀW (cols×cols) or WWᵀ (rows×rows)
  const gram = new Float64Array(small * small);
  for (let i = 0; i < small; i++)
    for (let j = i; j < small; j++) {
      let s = 0;
      if (byCols) for (let r = 0; r < rows; r++) s += w[r * cols + i] * w[r * cols + j];
      else for (let c = 0; c < cols; c++) s += w[i * cols + c] * w[j * cols + c];
      gram[i * small + j] = s;
      gram[j * small + i] = s;
    }
  const { values, vectors } = symmetricEigen(gram, small);
  const singularValues = Float64Array.from(values, (v) => Math.sqrt(Math.max(0, v)));
  const left = new Float64Array(k * rows);
  const right = new Float64Array(k * cols);
  for (let t = 0; t < k; t++) {
    const s = singularValues[t];
    const [known, knownLen, other, otherLen] = byCols ? [right, cols, left, rows] : [left, rows, right, cols];
    for (let i = 0; i < knownLen; i++) known[t * knownLen + i] = vectors[i * small + t];
    // The other side's vector: W v / s (or Wᵀ u / s); zero when s is zero.
    for (let i = 0; i < otherLen; i++) {
      let acc = 0;
      for (let j = 0; j < knownLen; j++) acc += (byCols ? w[i * cols + j] : w[j * cols + i]) * vectors[j * small + t];
      other[t * otherLen + i] = s > 0 ? acc / s : 0;
    }
  }
  return { rows, cols, singularValues, left, right, k };
}
