// Per-class means and covariances of standardized training rows, accumulated in f64: the sufficient
// statistics of mass-mean probes and LDA. Costs O(N·D²), fine on the host for D up to ~2k.

import type { Standardization } from '../math/standardize';

export interface ClassStatistics {
  classes: number;
  cols: number;
  counts: Float64Array;
  /** [K, D] class means. */
  means: Float64Array;
  /** Per class: its rows centred on the class mean, [n_k, D] f64 (kept for shrinkage estimates). */
  centred: Float64Array[];
}

export function classStatistics(
  x: Float32Array,
  cols: number,
  rows: ArrayLike<number>,
  labels: Int32Array,
  classes: number,
  s: Standardization,
): ClassStatistics {
  const counts = new Float64Array(classes);
  for (let i = 0; i < rows.length; i++) counts[labels[rows[i]]]++;
  const empty = counts.findIndex((c) => c === 0);
  if (empty >= 0) throw new Error(`class ${empty} has no training rows; change the split`);
  const means = new Float64Array(classes * cols);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < rows.length; i++) byClass[labels[rows[i]]].push(rows[i]);
  const centred = byClass.map((members, k) => {
    const m = new Float64Array(members.length * cols);
    members.forEach((r, i) => {
      for (let j = 0; j < cols; j++) m[i * cols + j] = (x[r * cols + j] - s.mean[j]) / s.scale[j];
    });
    for (let i = 0; i < members.length; i++) for (let j = 0; j < cols; j++) means[k * cols + j] += m[i * cols + j];
    for (let j = 0; j < cols; j++) means[k * cols + j] /= members.length;
    for (let i = 0; i < members.length; i++) for (let j = 0; j < cols; j++) m[i * cols + j] -= means[k * cols + j];
    return m;
  });
  return { classes, cols, counts, means, centred };
}

/** XᵀX of an [n, d] f64 matrix (symmetric, full). */
export function gram(m: Float64Array, n: number, d: number): Float64Array {
  const g = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) {
      const v = m[o + i];
      if (v === 0) continue;
      for (let j = i; j < d; j++) g[i * d + j] += v * m[o + j];
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) g[i * d + j] = g[j * d + i];
  return g;
}

/** Pooled within-class scatter Σ_k Σ_{i∈k} (x_i − μ_k)(x_i − μ_k)ᵀ. */
export function withinScatter(stats: ClassStatistics): Float64Array {
  const d = stats.cols;
  const total = new Float64Array(d * d);
  stats.centred.forEach((m, k) => {
    const g = gram(m, stats.counts[k], d);
    for (let i = 0; i < g.length; i++) total[i] += g[i];
  });
  return total;
}
