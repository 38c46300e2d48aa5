// Seeded SAE initialisation: random decoder directions, W_enc = W_decᵀ (every anchor does this: each latent
// starts as a matched filter for its own direction), b_enc = 0, b_dec from the data (mean or geometric median).
import { normal } from '../math/rng';
import type { SaeArchitecture } from './config';
import type { SaeParams } from './params';

/**
 * Decoder row norm at init: 1 for TopK variants (they keep unit rows); 0.1 for ReLU-L1 and JumpReLU, SAELens'
 * choice, which keeps the initial L1/L0 penalty small relative to the reconstruction error.
 */
export function initialRowNorm(arch: SaeArchitecture): number {
  return arch === 'topk' || arch === 'batchtopk' ? 1 : 0.1;
}

export function initSaeParams(
  arch: SaeArchitecture,
  d: number,
  m: number,
  bDec: ArrayLike<number>,
  random: () => number,
  jumpReluThreshold = 1e-3,
): SaeParams {
  const wDec = new Float32Array(m * d);
  const wEnc = new Float32Array(d * m);
  const norm = initialRowNorm(arch);
  for (let i = 0; i < m; i++) {
    const row = Float64Array.from({ length: d }, () => normal(random));
    const len = Math.hypot(...row) || 1;
    for (let j = 0; j < d; j++) {
      const v = (row[j] / len) * norm;
      wDec[i * d + j] = v;
      wEnc[j * m + i] = v;
    }
  }
  return {
    wEnc,
    bEnc: new Float32Array(m),
    wDec,
    bDec: Float32Array.from(bDec),
    threshold: arch === 'jumprelu' ? new Float32Array(m).fill(jumpReluThreshold) : undefined,
  };
}
