// SAELens folders (cfg.json + sae_weights.safetensors), read as SAE.load_from_disk reads them (SAELens 6.18,
// sae_lens/saes/sae.py and sae_lens/loading/pretrained_sae_loaders.py), pre-6.0 files through the same conversion
// (handle_pre_6_0_config) but with the 5.x forward pass where 6.x would change the codes.
import { DataFileError } from '../../formats/errors';
import { checkParamShapes, decoderRowNorms, type InputNorm, type SaeWeights } from '../params';
import { clampThreshold, foldDecoderBias, scaleDecoderRows, scaleLatents } from './folds';
import { TensorReader, type ImportedSae, type JsonSideFile, type SaeWeightsFile } from './sae-source';

const TRANSCODERS = ['transcoder', 'skip_transcoder', 'jumprelu_transcoder', 'jumprelu_skip_transcoder'];
const NORMALIZATIONS = ['none', 'expected_average_only_in', 'constant_norm_rescale', 'layer_norm'];
const DTYPES = ['float32', 'float64', 'float16', 'bfloat16'];

/** True when SAELens' handle_config_defaulting would run the pre-6 conversion: no version, or one < 6.0.0-rc.0. */
export function isPre6(version: unknown, cfgName: string): boolean {
  if (version === undefined || version === null || version === '') return true;
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$/.exec(String(version).trim());
  if (!m) throw new DataFileError(cfgName, `sae_lens_version '${String(version).slice(0, 40)}' is not a version`);
  const [major, minor = 0, patch = 0] = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  if (major !== 6 || minor !== 0 || patch !== 0) return major < 6;
  // 6.0.0 itself: only its dev releases come before 6.0.0-rc.0 (PEP 440: dev < alpha < beta < rc < final).
  const tail = m[4].toLowerCase();
  return /dev/.test(tail) || (/(a|alpha|b|beta)\.?\d*$/.test(tail) && !/rc/.test(tail));
}

/**
 * handle_pre_6_0_config: renames, defaults, "standard" + activation_fn "topk" + activation_fn_kwargs.k → topk,
 * boolean normalize_activations. Variants the 5.x forward pass computes differently from 6.x are refused.
 */
function convertPre6(cfg: JsonSideFile): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  const rename: Record<string, string> = {
    hook_point: 'hook_name',
    hook_point_head_index: 'hook_head_index',
    activation_fn_str: 'activation_fn',
  };
  for (const [k, v] of Object.entries(cfg.json)) c[rename[k] ?? k] = v;
  c.apply_b_dec_to_input ??= true;
  c.activation_fn ??= 'relu';
  c.architecture ??= 'standard';
  c.reshape_activations ??= String(c.hook_name ?? '').includes('hook_z') ? 'hook_z' : 'none';
  const fn = c.activation_fn;
  const k = (c.activation_fn_kwargs as { k?: unknown } | undefined)?.k;
  if (fn === 'topk') {
    if (k === undefined || k === null)
      throw new DataFileError(
        cfg.name,
        "activation_fn 'topk' without activation_fn_kwargs.k: SAELens 5 refused it and SAELens 6 loads it as a plain ReLU SAE",
        { key: 'activation_fn_kwargs' },
      );
    c.architecture = 'topk';
    c.k = k;
  } else if (fn !== 'relu') {
    throw new DataFileError(
      cfg.name,
      `activation_fn '${String(fn)}' is not supported: SAELens 5 applied it (tanh-relu = tanh(relu(h))) and SAELens 6 silently loads it as ReLU; Probelab's encoder has ReLU, TopK and JumpReLU only`,
      { key: 'activation_fn' },
    );
  }
  if (typeof c.normalize_activations === 'boolean')
    c.normalize_activations = c.normalize_activations ? 'expected_average_only_in' : 'none';
  c.normalize_activations ??= 'none';
  return c;
}

function requireInt(c: Record<string, unknown>, key: string, cfgName: string): number {
  const v = c[key];
  if (!Number.isSafeInteger(v) || (v as number) < 1)
    throw new DataFileError(cfgName, `expected a positive integer, got ${JSON.stringify(v)}`, { key });
  return v as number;
}

export function importSaeLens(file: SaeWeightsFile, cfgFile: JsonSideFile | undefined): ImportedSae {
  if (!cfgFile)
    throw new DataFileError(
      file.name,
      'SAELens weights need their cfg.json (architecture, apply_b_dec_to_input, normalize_activations); choose it too',
    );
  const notes: string[] = [];
  const meta = cfgFile.json.metadata as Record<string, unknown> | undefined;
  const version = cfgFile.json.sae_lens_version ?? meta?.sae_lens_version;
  const pre6 = isPre6(version, cfgFile.name);
  const c = pre6 ? convertPre6(cfgFile) : cfgFile.json;
  if (pre6)
    notes.push(`cfg.json is SAELens < 6.0 (version ${String(version ?? 'absent')}): converted as SAELens 6 does`);
  const arch = c.architecture;
  if (typeof arch !== 'string')
    throw new DataFileError(cfgFile.name, 'architecture is missing (SAELens needs it)', { key: 'architecture' });
  const dIn = requireInt(c, 'd_in', cfgFile.name);
  const dSae = requireInt(c, 'd_sae', cfgFile.name);
  if (c.dtype === undefined) notes.push('cfg.json has no dtype (SAELens 6 needs one to load it): float32 assumed');
  const dtype = String(c.dtype ?? 'float32').replace(/^torch\./, '');
  if (!DTYPES.includes(dtype)) throw new DataFileError(cfgFile.name, `unknown dtype '${dtype}'`, { key: 'dtype' });
  if (dtype !== 'float32')
    notes.push(
      `cfg dtype ${dtype}: SAELens computes in ${dtype} unless loaded with dtype="float32"; Probelab computes in f32 from the stored values`,
    );
  if (arch === 'gated')
    throw new DataFileError(
      cfgFile.name,
      "architecture 'gated' is not supported: its gate and magnitude paths are two encoders, and Probelab's engine encodes with one",
      { key: 'architecture' },
    );
  if (TRANSCODERS.includes(arch))
    throw new DataFileError(
      cfgFile.name,
      `architecture '${arch}' is a transcoder (it reconstructs another layer's output, d_out), not an SAE of its input; not supported`,
      { key: 'architecture' },
    );
  if (!['standard', 'topk', 'jumprelu', 'batchtopk', 'matryoshka_batchtopk'].includes(arch))
    throw new DataFileError(cfgFile.name, `architecture '${arch}' is not supported`, { key: 'architecture' });

  const t = new TensorReader(file.name, file.tensors);
  const wEnc0 = t.get('W_enc', [dIn, dSae]).data;
  const bEnc0 = t.get('b_enc', [dSae]).data;
  let wDec = t.get('W_dec', [dSae, dIn]).data;
  const bDec = t.get('b_dec', [dIn]).data;
  const allowed = ['W_enc', 'b_enc', 'W_dec', 'b_dec'];

  // Decoder-side per-latent factor: SAELens 5's finetuning_scaling_factor multiplies the codes before W_dec
  // (sae_lens/sae.py decode in 5.11); SAELens 6 drops an all-ones legacy 'scaling_factor' on load.
  for (const key of ['finetuning_scaling_factor', 'scaling_factor']) {
    if (!t.has(key)) continue;
    allowed.push(key);
    const s = t.get(key, [dSae]).data;
    if (s.every((v) => v === 1)) continue;
    if (!c.finetuning_scaling_factor)
      throw new DataFileError(
        file.name,
        'a scaling factor that is not all ones, but cfg.json has no finetuning_scaling_factor',
        {
          key,
        },
      );
    wDec = scaleDecoderRows(wDec, s);
    notes.push(`${key} folded into W_dec (SAELens 5 multiplied the codes by it before decoding)`);
  }

  let architecture: SaeWeights['architecture'];
  let k: number | null = null;
  let threshold: Float32Array | undefined;
  let rescale = false;
  if (arch === 'standard') {
    architecture = 'relu';
  } else if (arch === 'topk') {
    architecture = 'topk';
    k = c.k === undefined ? 100 : requireInt(c, 'k', cfgFile.name);
    if (c.k === undefined) notes.push('cfg.json has no k: SAELens TopKSAEConfig default k = 100');
    if (k > dSae) throw new DataFileError(cfgFile.name, `k = ${k} exceeds d_sae = ${dSae}`, { key: 'k' });
    rescale = c.rescale_acts_by_decoder_norm === true;
  } else if (arch === 'jumprelu') {
    architecture = 'jumprelu';
    if (t.has('threshold')) {
      threshold = t.get('threshold', [dSae]).data;
      allowed.push('threshold');
    } else {
      // A JumpReLU training checkpoint up to 6.47 stores log θ (JumpReLUTrainingSAE.process_state_dict_for_loading).
      threshold = Float32Array.from(t.get('log_threshold', [dSae]).data, Math.exp);
      allowed.push('log_threshold');
    }
  } else {
    // A BatchTopK / Matryoshka training checkpoint: encoded as the JumpReLU SAE SAELens saves from it at the end of
    // training (TopKTrainingSAE then BatchTopKTrainingSAE.process_state_dict_for_saving_inference): decoder norms
    // folded when rescale_acts_by_decoder_norm, threshold = topk_threshold for every latent.
    architecture = 'jumprelu';
    const theta = t.scalar('topk_threshold');
    allowed.push('topk_threshold');
    threshold = new Float32Array(dSae).fill(theta);
    rescale = c.rescale_acts_by_decoder_norm === true;
    notes.push(
      `${arch} training checkpoint: encoded as the jumprelu SAE SAELens saves from it (threshold ${theta} for every latent)`,
    );
  }
  t.onlyThese(allowed, `SAELens ${arch}`);

  // apply_b_dec_to_input = false: fold b_dec·W_enc into b_enc so the engine's (x − b_dec) changes nothing.
  let wEnc = wEnc0;
  let bEnc = bEnc0;
  if (c.apply_b_dec_to_input === false) {
    bEnc = foldDecoderBias(wEnc0, bEnc0, bDec);
    notes.push('apply_b_dec_to_input = false: b_enc′ = b_enc + W_encᵀ·b_dec (exact fold)');
  }
  if (rescale) {
    // rescale_acts_by_decoder_norm: codes h·‖W_dec[i]‖ and decode f/‖W_dec[i]‖, i.e. the decoder-norm fold.
    const folded = scaleLatents({ wEnc, bEnc, wDec }, decoderRowNorms(wDec, dSae, dIn));
    ({ wEnc, bEnc, wDec } = folded);
    notes.push('rescale_acts_by_decoder_norm: decoder norms folded into W_enc and b_enc (SAELens _fold_norm_topk)');
  }
  if (threshold) {
    const clamped = clampThreshold(threshold);
    threshold = clamped.threshold;
    if (clamped.negative) notes.push(`${clamped.negative} negative thresholds act as 0 (JumpReLU masks after ReLU)`);
  }

  let inputNorm: InputNorm | undefined;
  const norm = c.normalize_activations ?? 'none';
  if (!NORMALIZATIONS.includes(norm as string))
    throw new DataFileError(cfgFile.name, `unknown normalize_activations '${String(norm)}'`, {
      key: 'normalize_activations',
    });
  if (norm === 'layer_norm' || norm === 'constant_norm_rescale') {
    inputNorm = norm;
    notes.push(`normalize_activations '${norm}': applied to each row around the encoder and undone after the decoder`);
  } else if (norm === 'expected_average_only_in') {
    notes.push(
      "normalize_activations 'expected_average_only_in': SAELens' encode leaves inputs as they are but expects them pre-scaled by a norm_scaling_factor that is not in this folder; codes are of the activations as given",
    );
  }
  const reshape = c.reshape_activations ?? 'none';
  if (reshape === 'hook_z')
    notes.push(
      'reshape_activations hook_z: rows must be the [n_heads·d_head] flattening of hook_z, as SAELens makes it',
    );
  else if (reshape !== 'none')
    throw new DataFileError(cfgFile.name, `unknown reshape_activations '${String(reshape)}'`, {
      key: 'reshape_activations',
    });

  const weights: SaeWeights = { architecture, dIn, dSae, k, wEnc, bEnc, wDec, bDec, threshold, inputNorm };
  checkParamShapes(weights, dIn, dSae, file.name);
  return { format: 'saelens', variant: arch, name: file.name, weights, notes };
}
