// Reconstructions from codes on the host, x̂ = f·W_dec + b_dec, summed in f64 over the nonzero codes only (an SAE's
// codes are sparse, so a row costs L0·d rather than d_sae·d), rounded to f32 once.
import type { SaeParams } from './params';

export function decodeRows(codes: Float32Array, rows: number, p: Pick<SaeParams, 'wDec' | 'bDec'>): Float32Array {
  const d = p.bDec.length;
  const m = p.wDec.length / d;
  const out = new Float32Array(rows * d);
  const acc = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) acc[j] = p.bDec[j];
    for (let i = 0; i < m; i++) {
      const f = codes[r * m + i];
      if (f === 0) continue;
      const o = i * d;
      for (let j = 0; j < d; j++) acc[j] += f * p.wDec[o + j];
    }
    out.set(acc, r * d);
  }
  return out;
}
