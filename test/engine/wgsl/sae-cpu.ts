// f64 CPU reference for the SAE steps: forward, loss, gradients and Adam, written directly from the formulas.
import type { SaeParams } from '../../../src/engine/wgsl/steps/sae-state';

export interface SaeGrads {
  wEnc: Float64Array;
  bEnc: Float64Array;
  wDec: Float64Array;
  bDec: Float64Array;
}

/** Standard SAE: MSE + λ(1/B)Σ f_bi‖W_dec,i‖, or TopK (k > 0, λ ignored) with unit-norm parallel-gradient removal. */
export function cpuSaeStep(
  p: SaeParams,
  x: Float32Array,
  B: number,
  d: number,
  m: number,
  opts: { lambda: number; k?: number },
) {
  const xc = new Float64Array(B * d),
    pre = new Float64Array(B * m),
    f = new Float64Array(B * m);
  for (let b = 0; b < B; b++) for (let j = 0; j < d; j++) xc[b * d + j] = x[b * d + j] - p.bDec[j];
  for (let b = 0; b < B; b++)
    for (let i = 0; i < m; i++) {
      let s = p.bEnc[i];
      for (let j = 0; j < d; j++) s += xc[b * d + j] * p.wEnc[j * m + i];
      pre[b * m + i] = s;
      f[b * m + i] = Math.max(0, s);
    }
  const k = opts.k ?? 0;
  if (k > 0)
    for (let b = 0; b < B; b++) {
      const row = Array.from(f.subarray(b * m, (b + 1) * m))
        .map((v, i) => [v, i])
        .sort((a, c) => c[0] - a[0]);
      const keep = new Set(row.slice(0, k).map((r) => r[1]));
      for (let i = 0; i < m; i++) if (!keep.has(i)) f[b * m + i] = 0;
    }
  const norms = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += p.wDec[i * d + j] ** 2;
    norms[i] = Math.sqrt(s);
  }
  const lam = k > 0 ? 0 : opts.lambda / B;
  const gx = new Float64Array(B * d);
  let se = 0,
    l1 = 0;
  for (let b = 0; b < B; b++)
    for (let j = 0; j < d; j++) {
      let s = p.bDec[j];
      for (let i = 0; i < m; i++) s += f[b * m + i] * p.wDec[i * d + j];
      const e = s - x[b * d + j];
      se += e * e;
      gx[b * d + j] = (2 / B) * e;
    }
  for (let b = 0; b < B; b++) for (let i = 0; i < m; i++) l1 += f[b * m + i] * norms[i];
  const g: SaeGrads = {
    wEnc: new Float64Array(d * m),
    bEnc: new Float64Array(m),
    wDec: new Float64Array(m * d),
    bDec: new Float64Array(d),
  };
  for (let i = 0; i < m; i++) {
    let colF = 0;
    for (let b = 0; b < B; b++) colF += f[b * m + i];
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += f[b * m + i] * gx[b * d + j];
      g.wDec[i * d + j] = s + (norms[i] > 0 ? (lam * colF * p.wDec[i * d + j]) / norms[i] : 0);
    }
    if (k > 0) {
      // remove the component parallel to the (unit) decoder row
      let dot = 0;
      for (let j = 0; j < d; j++) dot += g.wDec[i * d + j] * p.wDec[i * d + j];
      for (let j = 0; j < d; j++) g.wDec[i * d + j] -= dot * p.wDec[i * d + j];
    }
  }
  const gpre = new Float64Array(B * m);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < m; i++) {
      if (!(f[b * m + i] > 0)) continue;
      let s = lam * norms[i];
      for (let j = 0; j < d; j++) s += gx[b * d + j] * p.wDec[i * d + j];
      gpre[b * m + i] = s;
    }
  for (let j = 0; j < d; j++)
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += xc[b * d + j] * gpre[b * m + i];
      g.wEnc[j * m + i] = s;
    }
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let b = 0; b < B; b++) s += gpre[b * m + i];
    g.bEnc[i] = s;
  }
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let b = 0; b < B; b++) s += gx[b * d + j];
    for (let i = 0; i < m; i++) s -= p.wEnc[j * m + i] * g.bEnc[i];
    g.bDec[j] = s;
  }
  return { mse: se / B, aux: lam * l1, f, grads: g };
}

/** One f64 Adam step from zero moments (t = 1). */
export function cpuAdamFirstStep(p: ArrayLike<number>, g: ArrayLike<number>, lr: number, eps: number): Float64Array {
  // m = (1−β1)g, v = (1−β2)g²; bias-corrected m̂ = g, v̂ = g², so the step is lr·g/(|g| + eps).
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = p[i] - (lr * g[i]) / (Math.abs(g[i]) + eps);
  return out;
}
