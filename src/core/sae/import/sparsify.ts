// EleutherAI sparsify folders (cfg.json + sae.safetensors), read as SparseCoder.load_from_disk and encode/decode
// read them (sparsify 1.3.0 sparse_coder.py, fused_encoder.py): x − b_dec, relu(encoder(·)), top-k; decode
// Σ top_acts·W_dec[idx] + b_dec with W_dec stored [num_latents, d_in].
import { DataFileError } from '../../formats/errors';
import { checkParamShapes, type SaeWeights } from '../params';
import { transpose } from './folds';
import {
  cfgValue,
  isBool,
  isPositiveInt,
  isString,
  TensorReader,
  type ImportedSae,
  type JsonSideFile,
  type SaeWeightsFile,
} from './sae-source';

export function looksLikeSparsify(t: TensorReader): boolean {
  return t.has('encoder.weight') && t.has('W_dec') && !t.has('W_enc');
}

export function importSparsify(file: SaeWeightsFile, cfg: JsonSideFile | undefined): ImportedSae {
  if (!cfg)
    throw new DataFileError(file.name, 'a sparsify checkpoint needs its cfg.json (d_in, k, activation); choose it too');
  const dIn = cfg.json.d_in;
  if (!isPositiveInt(dIn))
    throw new DataFileError(cfg.name, 'd_in is missing or not a positive integer', { key: 'd_in' });
  // SparseCoderConfig defaults (sparsify/config.py) for keys older files lack; unknown keys are dropped.
  const activation = cfgValue(cfg, 'activation', 'topk', isString);
  if (activation !== 'topk')
    throw new DataFileError(
      cfg.name,
      `activation '${activation}' is not supported: groupmax keeps one latent per group of num_latents/k, which Probelab's engine does not compute`,
      { key: 'activation' },
    );
  if (cfgValue(cfg, 'transcode', false, isBool))
    throw new DataFileError(
      cfg.name,
      'transcode: true is a transcoder (it predicts a module output from its input, without b_dec subtraction), not an SAE of its input; not supported',
      { key: 'transcode' },
    );
  const t = new TensorReader(file.name, file.tensors);
  if (cfgValue(cfg, 'skip_connection', false, isBool) || t.has('W_skip'))
    throw new DataFileError(
      cfg.name,
      'skip_connection (W_skip) adds x·W_skipᵀ to the output, which Probelab does not reconstruct; not supported',
      { key: 'skip_connection' },
    );
  if (cfg.json.signed === true)
    throw new DataFileError(cfg.name, 'signed: true (an early EleutherAI/sae option) is not supported', {
      key: 'signed',
    });
  const k = cfgValue(cfg, 'k', 32, isPositiveInt);
  const numLatents = cfgValue(cfg, 'num_latents', 0, Number.isSafeInteger as (v: unknown) => v is number);
  const dSae = numLatents > 0 ? numLatents : dIn * cfgValue(cfg, 'expansion_factor', 32, isPositiveInt);
  if (k > dSae) throw new DataFileError(cfg.name, `k = ${k} exceeds num_latents = ${dSae}`, { key: 'k' });
  t.onlyThese(['encoder.weight', 'encoder.bias', 'W_dec', 'b_dec'], 'sparsify');
  const notes: string[] = [];
  const dtype = t.get('encoder.weight', [dSae, dIn]).dtype;
  if (dtype && dtype !== 'f32')
    notes.push(
      `weights stored as ${dtype}: sparsify computes in that dtype; Probelab computes in f32 from the stored values`,
    );
  const weights: SaeWeights = {
    architecture: 'topk',
    dIn,
    dSae,
    k,
    wEnc: transpose(t.get('encoder.weight', [dSae, dIn]).data, dSae, dIn),
    bEnc: t.get('encoder.bias', [dSae]).data,
    wDec: t.get('W_dec', [dSae, dIn]).data,
    bDec: t.get('b_dec', [dIn]).data,
  };
  checkParamShapes(weights, dIn, dSae, file.name);
  return { format: 'sparsify', variant: 'topk', name: file.name, weights, notes };
}
