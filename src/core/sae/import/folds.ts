// Exact algebraic rewrites that bring a library's forward pass to Probelab's one encode semantics
// pre = (x − b_dec)·W_enc + b_enc, f = gate(pre), x̂ = f·W_dec + b_dec. Each is computed in f64 and rounded to f32
// once, so the folded SAE differs from the library's only by that rounding.

/** [r, c] → [c, r], row-major (nn.Linear's [out, in] weight to the [in, out] SAELens orientation). */
export function transpose(a: Float32Array, r: number, c: number): Float32Array {
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

/**
 * A library that encodes x·W_enc + b_enc with no b_dec subtraction: x·W_enc + b_enc = (x − b_dec)·W_enc + b',
 * b' = b_enc + b_dec·W_enc. W_enc is [d, m].
 */
export function foldDecoderBias(wEnc: Float32Array, bEnc: Float32Array, bDec: Float32Array): Float32Array {
  const d = bDec.length;
  const m = bEnc.length;
  const out = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    let s = bEnc[i];
    for (let j = 0; j < d; j++) s += bDec[j] * wEnc[j * m + i];
    out[i] = s;
  }
  return out;
}

export interface LatentParams {
  wEnc: Float32Array;
  bEnc: Float32Array;
  wDec: Float32Array;
  threshold?: Float32Array;
}

/**
 * Latent i's code multiplied by n_i with the reconstruction unchanged: W_enc[:, i]·n_i, b_enc[i]·n_i,
 * W_dec[i]/n_i, θ_i·n_i. What SAELens' _fold_norm_topk and dictionary_learning's normalize_decoder do.
 */
export function scaleLatents(p: LatentParams, n: ArrayLike<number>): LatentParams {
  const m = p.bEnc.length;
  const d = p.wDec.length / m;
  const wEnc = new Float32Array(p.wEnc.length);
  for (let j = 0; j < d; j++) for (let i = 0; i < m; i++) wEnc[j * m + i] = p.wEnc[j * m + i] * n[i];
  const wDec = new Float32Array(p.wDec.length);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) wDec[i * d + j] = p.wDec[i * d + j] / n[i];
  return {
    wEnc,
    bEnc: Float32Array.from(p.bEnc, (v, i) => v * n[i]),
    wDec,
    threshold: p.threshold && Float32Array.from(p.threshold, (v, i) => v * n[i]),
  };
}

/** Row i of W_dec [m, d] times s_i (a per-latent factor applied to the codes before the decoder). */
export function scaleDecoderRows(wDec: Float32Array, s: ArrayLike<number>): Float32Array {
  const m = s.length;
  const d = wDec.length / m;
  return Float32Array.from(wDec, (v, n) => v * s[Math.floor(n / d)]);
}

/** Euclidean norm of each column of [rows, cols] (f64). */
export function columnNorms(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j] += a[i * cols + j] ** 2;
  return out.map(Math.sqrt);
}

/**
 * relu(h)·1[h > θ] (every library's JumpReLU) is Probelab's h·1[h > θ'] with θ' = max(θ, 0): a negative threshold
 * would otherwise let negative codes through. Returns the clamped copy and how many were negative.
 */
export function clampThreshold(theta: ArrayLike<number>): { threshold: Float32Array; negative: number } {
  let negative = 0;
  const threshold = Float32Array.from(theta, (v) => {
    if (v < 0) negative++;
    return v > 0 ? v : 0;
  });
  return { threshold, negative };
}

/** torch.allclose(a, 1) with its default tolerances (rtol 1e-5, atol 1e-8). */
export function allCloseToOne(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - 1) <= 1e-8 + 1e-5)) return false;
  return true;
}
