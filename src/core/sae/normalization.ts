// Scalar activation normalization (SAELens "expected_average_only_in"): train on s·x with s = √d / E‖x‖, then
// fold s back into the weights so an exported dictionary takes raw activations: W_enc·s, W_dec/s, b_dec/s.
import type { SaeParams } from './params';

/** s = √d / mean_b ‖x_b‖ over the given rows (f64); 1 when every row is zero. */
export function normalizationScale(x: Float32Array, d: number, rows: ArrayLike<number>): number {
  let sum = 0;
  for (let n = 0; n < rows.length; n++) {
    const r = rows[n];
    let s = 0;
    for (let j = 0; j < d; j++) s += x[r * d + j] ** 2;
    sum += Math.sqrt(s);
  }
  const mean = sum / Math.max(1, rows.length);
  return mean > 0 ? Math.sqrt(d) / mean : 1;
}

/**
 * Weights trained on s·x, rewritten for raw x: pre = (s·x − b')W' + b_enc = (x − b'/s)(s·W') + b_enc, and
 * x̂ = (f·W_dec' + b')/s. Codes f and thresholds (on pre-activations) are unchanged. Rounded once to f32.
 */
export function foldScale(p: SaeParams, s: number): SaeParams {
  const mul = (a: Float32Array, c: number) => Float32Array.from(a, (v) => v * c);
  return {
    wEnc: mul(p.wEnc, s),
    bEnc: Float32Array.from(p.bEnc),
    wDec: mul(p.wDec, 1 / s),
    bDec: mul(p.bDec, 1 / s),
    threshold: p.threshold ? Float32Array.from(p.threshold) : undefined,
  };
}
