// Gemma Scope params.npz (W_enc, W_dec, b_enc, b_dec, threshold), encoded as the Gemma Scope tutorial's JumpReLUSAE
// and SAELens' gemma_2 loader (apply_b_dec_to_input False) do: pre = x·W_enc + b_enc, f = 1[pre > θ]·relu(pre).
import { DataFileError } from '../../formats/errors';
import { checkParamShapes, type SaeWeights } from '../params';
import { clampThreshold, foldDecoderBias } from './folds';
import { TensorReader, type ImportedSae, type NamedTensor, type SaeWeightsFile } from './sae-source';

const KEYS = ['W_enc', 'W_dec', 'b_enc', 'b_dec', 'threshold'];

/** SAELens' loader also accepts lower-case w_enc / w_dec: the same arrays under other names. */
function canonicalKeys(tensors: Map<string, NamedTensor>): Map<string, NamedTensor> {
  const out = new Map<string, NamedTensor>();
  for (const [k, v] of tensors) out.set(k === 'w_enc' ? 'W_enc' : k === 'w_dec' ? 'W_dec' : k, v);
  return out;
}

export function looksLikeGemmaScope(tensors: Map<string, NamedTensor>): boolean {
  const t = canonicalKeys(tensors);
  return KEYS.every((k) => t.has(k));
}

export function importGemmaScope(file: SaeWeightsFile): ImportedSae {
  const t = new TensorReader(file.name, canonicalKeys(file.tensors));
  const wEnc = t.get('W_enc', [null, null]);
  const [dIn, dSae] = wEnc.shape;
  const bEnc = t.get('b_enc', [dSae]).data;
  const wDec = t.get('W_dec', [dSae, dIn]).data;
  const bDec = t.get('b_dec', [dIn]).data;
  const notes = ['Gemma Scope does not subtract b_dec: b_enc′ = b_enc + W_encᵀ·b_dec (exact fold)'];
  if (t.has('scaling_factor')) {
    // SAELens drops an all-ones scaling_factor; any other would need a fine-tuning factor no loader applies.
    const s = t.get('scaling_factor', [dSae]).data;
    if (!s.every((v) => v === 1))
      throw new DataFileError(file.name, 'a scaling_factor that is not all ones is not supported', {
        key: 'scaling_factor',
      });
  }
  t.onlyThese([...KEYS, 'scaling_factor'], 'Gemma Scope');
  const { threshold, negative } = clampThreshold(t.get('threshold', [dSae]).data);
  if (negative) notes.push(`${negative} negative thresholds act as 0 (relu(pre) is masked)`);
  const weights: SaeWeights = {
    architecture: 'jumprelu',
    dIn,
    dSae,
    k: null,
    wEnc: wEnc.data,
    bEnc: foldDecoderBias(wEnc.data, bEnc, bDec),
    wDec,
    bDec,
    threshold,
  };
  checkParamShapes(weights, dIn, dSae, file.name);
  return { format: 'gemma_scope', variant: 'jumprelu', name: file.name, weights, notes };
}
