// Covariance statistics and Mahalanobis scores through the engine: the rows go up once, the mean is taken on the
// host in f64 so the device only centres. Which arithmetic runs them (WGSL, or f64 on the CPU engine) is the
// engine's choice.

import type { Engine } from '../engine/engine';
import { columnMeans, type CovarianceStats } from './covariance-stats';
import type { MahalanobisModel } from './mahalanobis';

/** Rows gathered into their own [rows.length, d] f32 matrix (what the engine uploads). */
export function gatherRows(x: Float32Array, d: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) out.set(x.subarray(rows[r] * d, rows[r] * d + d), r * d);
  return out;
}

export async function covarianceStats(
  engine: Engine,
  x: Float32Array,
  d: number,
  rows: ArrayLike<number>,
): Promise<CovarianceStats> {
  if (rows.length < 2) throw new Error(`need at least 2 rows to estimate a covariance; got ${rows.length}`);
  // The mean is taken on the host in f64 so the device only centres (no f32 cancellation in the mean itself).
  const mean = columnMeans(x, d, rows);
  const matrix = engine.uploadMatrix(gatherRows(x, d, rows), rows.length, d);
  try {
    const { scatter, sumNormFourth } = await engine.centredGram(matrix, mean);
    return { n: rows.length, d, mean, scatter, sumNormFourth };
  } finally {
    matrix.dispose();
  }
}

export async function mahalanobisScoresOn(
  engine: Engine,
  model: MahalanobisModel,
  x: Float32Array,
  rows: ArrayLike<number>,
): Promise<Float64Array> {
  const matrix = engine.uploadMatrix(gatherRows(x, model.d, rows), rows.length, model.d);
  try {
    return Float64Array.from(await engine.rowQuadraticForm(matrix, model.mean, model.precision));
  } finally {
    matrix.dispose();
  }
}
