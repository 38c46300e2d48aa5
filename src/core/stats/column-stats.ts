// Per-dimension mean and std and per-row L2 norms of an activation matrix, in f64: what a researcher checks
// first about a dump (dead or exploding dimensions, outlier rows, a forgotten normalisation).

export interface ColumnStats {
  rows: number;
  cols: number;
  mean: Float64Array;
  /** Population std (ddof = 0). */
  std: Float64Array;
  rowNorms: Float64Array;
  /** Dimensions whose std is exactly 0 (constant across rows). */
  constantColumns: number;
}

export function columnStats(x: Float32Array, rows: number, cols: number): ColumnStats {
  const mean = new Float64Array(cols);
  const m2 = new Float64Array(cols);
  const rowNorms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let sq = 0;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j];
      sq += v * v;
      // Welford: stable when a dimension's mean is large next to its spread.
      const d = v - mean[j];
      mean[j] += d / (r + 1);
      m2[j] += d * (v - mean[j]);
    }
    rowNorms[r] = Math.sqrt(sq);
  }
  const std = Float64Array.from(m2, (v) => Math.sqrt(v / Math.max(1, rows)));
  return { rows, cols, mean, std, rowNorms, constantColumns: std.filter((s) => s === 0).length };
}
