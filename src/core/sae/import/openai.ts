// OpenAI sparse_autoencoder checkpoints (.pt state dicts), read as Autoencoder.from_state_dict reads them
// (openai/sparse_autoencoder model.py): TopK models get the LN preprocessing (normalize = activation == "TopK"),
// latents = activation((x − pre_bias)·encoderᵀ + latent_bias), recons = decoder(latents) + pre_bias.
import { DataFileError } from '../../formats/errors';
import { checkParamShapes, type SaeWeights } from '../params';
import { transpose } from './folds';
import { TensorReader, type ImportedSae, type SaeWeightsFile } from './sae-source';

export function looksLikeOpenAi(t: TensorReader): boolean {
  return t.has('pre_bias') && t.has('latent_bias');
}

export function importOpenAi(file: SaeWeightsFile): ImportedSae {
  const t = new TensorReader(file.name, file.tensors);
  if (!t.has('decoder.weight'))
    throw new DataFileError(
      file.name,
      'no decoder.weight: a tied decoder, which Autoencoder.from_state_dict does not load',
    );
  const enc = t.get('encoder.weight', [null, null]);
  const [dSae, dIn] = enc.shape;
  t.onlyThese(
    [
      'pre_bias',
      'latent_bias',
      'encoder.weight',
      'decoder.weight',
      'stats_last_nonzero',
      'latents_activation_frequency',
      'latents_mean_square',
    ],
    'OpenAI Autoencoder',
  );
  // ACTIVATIONS_CLASSES.get(name, nn.ReLU): a missing or unknown name is ReLU; only TopK turns LN on.
  const activation = file.metadata.activation ?? 'ReLU';
  const notes: string[] = [];
  let architecture: SaeWeights['architecture'] = 'relu';
  let k: number | null = null;
  if (activation === 'Identity')
    throw new DataFileError(file.name, "activation 'Identity' (no sparsity) is not supported", { key: 'activation' });
  if (activation === 'TopK') {
    const kText = file.metadata['activation_state_dict.k'] ?? file.metadata['activation.k'];
    k = Number(kText);
    if (!Number.isSafeInteger(k) || k < 1 || k > dSae)
      throw new DataFileError(file.name, `TopK needs k in [1, ${dSae}], got ${String(kText)}`, {
        key: 'activation_state_dict.k',
      });
    const post = file.metadata['activation_state_dict.postact_fn'] ?? file.metadata['activation.postact_fn'] ?? 'ReLU';
    if (post !== 'ReLU')
      throw new DataFileError(file.name, `TopK postact_fn '${post}' is not supported (ReLU only)`, {
        key: 'activation_state_dict.postact_fn',
      });
    architecture = 'topk';
    notes.push(
      'TopK: inputs layer-normed per row (mean, unbiased std + 1e-5) and reconstructions de-normed, as OpenAI does',
    );
  } else if (activation !== 'ReLU') {
    notes.push(`activation '${activation}' is unknown to the library, which falls back to ReLU`);
  }
  const weights: SaeWeights = {
    architecture,
    dIn,
    dSae,
    k,
    wEnc: transpose(enc.data, dSae, dIn),
    bEnc: t.get('latent_bias', [dSae]).data,
    wDec: transpose(t.get('decoder.weight', [dIn, dSae]).data, dIn, dSae),
    bDec: t.get('pre_bias', [dIn]).data,
    inputNorm: architecture === 'topk' ? 'layer_norm' : undefined,
  };
  checkParamShapes(weights, dIn, dSae, file.name);
  return { format: 'openai', variant: activation, name: file.name, weights, notes };
}
