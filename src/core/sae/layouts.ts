// The SAELens 6 export (cfg.json + sae_weights.safetensors): every field SAE.load_from_disk reads (SAELens 6.18,
// sae_lens/saes/sae.py SAEConfig and the per-architecture configs; the list is test/fixtures/sae-layouts/
// saelens6-cfg-fields.json), so the folder loads there and encodes as Probelab does. Importing is in ./import/.
import { writeSafetensors } from '../formats/safetensors-writer';
import type { SaeArchitecture } from './config';
import { checkParamShapes, type SaeWeights } from './params';

export interface SaeLensExport {
  cfgJson: string;
  safetensors: Uint8Array;
}

const SAELENS_ARCH: Record<SaeArchitecture, 'standard' | 'topk' | 'jumprelu'> = {
  relu: 'standard',
  topk: 'topk',
  batchtopk: 'jumprelu',
  jumprelu: 'jumprelu',
};

/**
 * A version ≥ 6.0.0-rc.0 tells handle_config_defaulting the cfg is already in the 6.x format; without it SAELens
 * runs its pre-6 conversion, which throws the metadata away. 6.0.0 is the first release of that format.
 */
export const SAELENS_FORMAT_VERSION = '6.0.0';

/**
 * SAELens 6 layout. BatchTopK is saved as JumpReLU with its threshold for every latent (what SAELens saves at the
 * end of BatchTopK training, and how dictionary_learning serves it); for θ ≥ 0 SAELens' relu(h)·1[h > θ] is
 * Probelab's h·1[h > θ]. Weights take raw activations (any training-time scale folded in); an imported SAE's
 * per-row input normalisation is written as normalize_activations. Probelab's own fields go in metadata.
 */
export function exportSaeLens(w: SaeWeights, metadata: Record<string, unknown> = {}): SaeLensExport {
  checkParamShapes(w, w.dIn, w.dSae, 'export');
  const arch = SAELENS_ARCH[w.architecture];
  if (arch === 'jumprelu' && !w.threshold) throw new Error(`invalid export: ${w.architecture} needs a threshold`);
  if (arch === 'topk' && !(Number.isSafeInteger(w.k) && w.k! >= 1))
    throw new Error(`invalid export: topk needs an integer k, got ${w.k}`);
  const tensors = [
    { name: 'W_enc', shape: [w.dIn, w.dSae], data: w.wEnc },
    { name: 'W_dec', shape: [w.dSae, w.dIn], data: w.wDec },
    { name: 'b_enc', shape: [w.dSae], data: w.bEnc },
    { name: 'b_dec', shape: [w.dIn], data: w.bDec },
    ...(arch === 'jumprelu' ? [{ name: 'threshold', shape: [w.dSae], data: w.threshold! }] : []),
  ];
  const cfg: Record<string, unknown> = {
    architecture: arch,
    d_in: w.dIn,
    d_sae: w.dSae,
    dtype: 'float32',
    device: 'cpu',
    apply_b_dec_to_input: true,
    normalize_activations: w.inputNorm ?? 'none',
    reshape_activations: 'none',
    // Probelab's TopK selects on the raw pre-activations, as TopKSAE does without rescaling.
    ...(arch === 'topk' ? { k: w.k, rescale_acts_by_decoder_norm: false } : {}),
    metadata: {
      sae_lens_version: SAELENS_FORMAT_VERSION,
      exported_by: 'probelab',
      probelab_architecture: w.architecture,
      ...(w.k !== null ? { k: w.k } : {}),
      ...metadata,
    },
  };
  return { cfgJson: JSON.stringify(cfg, null, 2), safetensors: writeSafetensors(tensors) };
}
