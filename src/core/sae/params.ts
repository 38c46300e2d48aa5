// SAE parameters as plain arrays in SAELens' orientation: W_enc [d, m], b_enc [m], W_dec [m, d], b_dec [d],
// row-major, plus the per-latent threshold JumpReLU (and BatchTopK at inference) uses.
import type { SaeArchitecture } from './config';

export interface SaeParams {
  wEnc: Float32Array;
  bEnc: Float32Array;
  wDec: Float32Array;
  bDec: Float32Array;
  /** JumpReLU θ [m] (BatchTopK: its EMA threshold broadcast), absent for relu/topk. */
  threshold?: Float32Array;
}

/**
 * Per-row input normalisation applied around the encoder and undone after the decoder, as SAELens'
 * normalize_activations does it: 'layer_norm' x' = (x − μ)/(σ + 1e-5) with σ the unbiased std, output y·σ + μ;
 * 'constant_norm_rescale' x' = x·√d/‖x‖, output y·‖x‖/√d. It depends on each row, so no weight fold expresses it.
 */
export type InputNorm = 'layer_norm' | 'constant_norm_rescale';

/** A dictionary with everything needed to encode: the semantics every layout is imported into. */
export interface SaeWeights extends SaeParams {
  architecture: SaeArchitecture;
  dIn: number;
  dSae: number;
  /** TopK's k (BatchTopK: the training k, kept as metadata). */
  k: number | null;
  /** Absent: the encoder takes the activations as they are. */
  inputNorm?: InputNorm;
}

export function checkParamShapes(p: SaeParams, d: number, m: number, where = 'SAE'): void {
  const want: Array<[keyof SaeParams, number]> = [
    ['wEnc', d * m],
    ['bEnc', m],
    ['wDec', m * d],
    ['bDec', d],
  ];
  for (const [k, n] of want) {
    if (p[k]!.length !== n)
      throw new Error(`invalid ${where} ${k}: ${p[k]!.length} values, expected ${n} (d_in = ${d}, d_sae = ${m})`);
  }
  if (p.threshold && p.threshold.length !== m)
    throw new Error(`invalid ${where} threshold: ${p.threshold.length} values, expected ${m}`);
}

/** Euclidean norm of each decoder row (f64). */
export function decoderRowNorms(wDec: ArrayLike<number>, m: number, d: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += wDec[i * d + j] ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}
