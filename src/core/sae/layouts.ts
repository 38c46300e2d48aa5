// Dictionary file layouts: export SAELens (cfg.json + sae_weights.safetensors) and recognise SAELens, sparsify,
// dictionary_learning and OpenAI checkpoints by key names and shapes, converting each to one encoding semantics:
// pre = (x − b_dec)·W_enc + b_enc, f = act(pre), x̂ = f·W_dec + b_dec.
import { writeSafetensors } from '../formats/safetensors-writer';
import type { SaeArchitecture } from './config';
import { checkParamShapes, type SaeWeights } from './params';

export type DictionaryLayout = 'saelens' | 'sparsify' | 'dictionary_learning' | 'openai';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export interface SaeLensExport {
  cfgJson: string;
  safetensors: Uint8Array;
}

const SAELENS_ARCH: Record<SaeArchitecture, string> = {
  relu: 'standard',
  topk: 'topk',
  batchtopk: 'jumprelu',
  jumprelu: 'jumprelu',
};

/**
 * SAELens v6 layout. BatchTopK is saved as JumpReLU with its EMA threshold (how dictionary_learning and SAELens
 * serve it at inference). Weights must already take raw activations (normalization folded in), so the cfg says
 * normalize_activations = "none".
 */
export function exportSaeLens(w: SaeWeights, metadata: Record<string, unknown> = {}): SaeLensExport {
  checkParamShapes(w, w.dIn, w.dSae, 'export');
  const arch = SAELENS_ARCH[w.architecture];
  if (arch === 'jumprelu' && !w.threshold) throw new Error(`invalid export: ${w.architecture} needs a threshold`);
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
    normalize_activations: 'none',
    ...(arch === 'topk' ? { k: w.k } : {}),
    metadata: {
      trained_with: 'probelab',
      trained_architecture: w.architecture,
      ...(w.k !== null ? { k: w.k } : {}),
      ...metadata,
    },
  };
  return { cfgJson: JSON.stringify(cfg, null, 2), safetensors: writeSafetensors(tensors) };
}

const has = (t: Map<string, NamedTensor>, ...keys: string[]) => keys.every((k) => t.has(k));

export function detectLayout(t: Map<string, NamedTensor>): DictionaryLayout | null {
  if (has(t, 'pre_bias', 'latent_bias', 'encoder.weight', 'decoder.weight')) return 'openai';
  if (has(t, 'W_enc', 'W_dec', 'b_enc', 'b_dec')) return 'saelens';
  if (has(t, 'encoder.weight', 'encoder.bias', 'W_dec', 'b_dec')) return 'sparsify';
  if (has(t, 'encoder.weight', 'encoder.bias', 'decoder.weight') && (t.has('bias') || t.has('b_dec')))
    return 'dictionary_learning';
  return null;
}

/** [r, c] → [c, r] row-major. */
function transpose(a: Float32Array, r: number, c: number): Float32Array {
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

/**
 * Converts any recognised checkpoint to SaeWeights. `cfg` is the side config (cfg.json / config.json) when
 * there is one: it supplies the architecture and k. Every shape is checked and the wrong key named.
 */
export function importDictionary(
  file: string,
  t: Map<string, NamedTensor>,
  cfg: Record<string, any> = {},
): { layout: DictionaryLayout; weights: SaeWeights } {
  const layout = detectLayout(t);
  if (!layout) {
    throw new Error(
      `${file}: not a recognised dictionary (keys: ${[...t.keys()].join(', ')}); expected SAELens (W_enc, W_dec, b_enc, b_dec), sparsify (encoder.weight, encoder.bias, W_dec, b_dec), dictionary_learning (encoder.weight, encoder.bias, decoder.weight, bias|b_dec) or OpenAI (pre_bias, latent_bias, encoder.weight, decoder.weight)`,
    );
  }
  const get = (key: string, rank: number) => {
    const v = t.get(key)!;
    if (v.shape.length !== rank)
      throw new Error(`${file}: tensor ${key} has shape [${v.shape}], expected rank ${rank}`);
    return v;
  };
  const cfgK = Number(cfg.k ?? cfg.trainer?.k ?? cfg.metadata?.k);
  const k = Number.isFinite(cfgK) && cfgK > 0 ? cfgK : t.has('k') ? t.get('k')!.data[0] : null;
  let w: Omit<SaeWeights, 'architecture' | 'k'>;
  let architecture: SaeArchitecture;
  if (layout === 'saelens') {
    const wEnc = get('W_enc', 2);
    const [dIn, dSae] = wEnc.shape;
    const bEnc = Float32Array.from(get('b_enc', 1).data);
    const bDec = get('b_dec', 1).data;
    const threshold =
      t.get('threshold')?.data ??
      (t.has('log_threshold') ? Float32Array.from(t.get('log_threshold')!.data, Math.exp) : undefined);
    // apply_b_dec_to_input = false: pre = x·W_enc + b_enc = (x − b_dec)·W_enc + (b_enc + b_dec·W_enc).
    if (cfg.apply_b_dec_to_input === false) {
      for (let i = 0; i < dSae; i++) {
        let s = 0;
        for (let j = 0; j < dIn; j++) s += bDec[j] * wEnc.data[j * dSae + i];
        bEnc[i] += s;
      }
    }
    const arch = String(cfg.architecture ?? (threshold ? 'jumprelu' : k ? 'topk' : 'standard'));
    architecture =
      arch === 'jumprelu' ? 'jumprelu' : arch === 'topk' ? 'topk' : arch === 'batchtopk' ? 'jumprelu' : 'relu';
    w = { dIn, dSae, wEnc: wEnc.data, bEnc, wDec: get('W_dec', 2).data, bDec, threshold };
  } else if (layout === 'sparsify') {
    const enc = get('encoder.weight', 2);
    const [dSae, dIn] = enc.shape;
    architecture = 'topk';
    w = {
      dIn,
      dSae,
      wEnc: transpose(enc.data, dSae, dIn),
      bEnc: get('encoder.bias', 1).data,
      wDec: get('W_dec', 2).data,
      bDec: get('b_dec', 1).data,
    };
  } else if (layout === 'openai') {
    // OpenAI: latents = act(encoder(x − pre_bias) + latent_bias); recons = decoder(latents) + pre_bias. Its optional
    // input LayerNorm is not part of the state dict: normalise inputs the same way before evaluating.
    const enc = get('encoder.weight', 2);
    const [dSae, dIn] = enc.shape;
    architecture = 'topk';
    w = {
      dIn,
      dSae,
      wEnc: transpose(enc.data, dSae, dIn),
      bEnc: get('latent_bias', 1).data,
      wDec: transpose(get('decoder.weight', 2).data, dIn, dSae),
      bDec: get('pre_bias', 1).data,
    };
  } else {
    // dictionary_learning: AutoEncoder (bias), AutoEncoderTopK / BatchTopK (b_dec, k, threshold); decoder [d, m].
    const enc = get('encoder.weight', 2);
    const [dSae, dIn] = enc.shape;
    const threshold = t.get('threshold');
    const thr =
      threshold && threshold.data.length === 1 ? new Float32Array(dSae).fill(threshold.data[0]) : threshold?.data;
    const bDec = (t.get('bias') ?? t.get('b_dec'))!;
    if (bDec.shape.length !== 1) throw new Error(`${file}: decoder bias has shape [${bDec.shape}], expected [${dIn}]`);
    architecture = thr && thr.some((v) => v > 0) ? 'jumprelu' : k ? 'topk' : 'relu';
    w = {
      dIn,
      dSae,
      wEnc: transpose(enc.data, dSae, dIn),
      bEnc: get('encoder.bias', 1).data,
      wDec: transpose(get('decoder.weight', 2).data, dIn, dSae),
      bDec: bDec.data,
      threshold: architecture === 'jumprelu' ? thr : undefined,
    };
  }
  const weights: SaeWeights = { ...w, architecture, k: architecture === 'topk' || k ? k : null };
  if (architecture === 'topk' && !(weights.k! >= 1))
    throw new Error(`${file}: a TopK dictionary needs k (in cfg.json or a 'k' tensor)`);
  checkParamShapes(weights, weights.dIn, weights.dSae, file);
  return { layout, weights };
}
