// dictionary_learning checkpoints (trainer_N/ae.pt + config.json), read as its utils.load_dictionary reads them
// (saprmarks/dictionary_learning @60ec6bf5: dictionary.py, trainers/top_k.py, batch_top_k.py,
// matryoshka_batch_top_k.py). The class comes from config.json trainer.dict_class where the keys cannot tell it.
import { DataFileError } from '../../formats/errors';
import { checkParamShapes, type SaeWeights } from '../params';
import { allCloseToOne, clampThreshold, columnNorms, foldDecoderBias, scaleLatents, transpose } from './folds';
import { TensorReader, type ImportedSae, type JsonSideFile, type SaeWeightsFile } from './sae-source';

type DictClass =
  | 'AutoEncoder'
  | 'AutoEncoderNew'
  | 'GatedAutoEncoder'
  | 'JumpReluAutoEncoder'
  | 'AutoEncoderTopK'
  | 'BatchTopKSAE'
  | 'MatryoshkaBatchTopKSAE';
const CLASSES: DictClass[] = [
  'AutoEncoder',
  'AutoEncoderNew',
  'GatedAutoEncoder',
  'JumpReluAutoEncoder',
  'AutoEncoderTopK',
  'BatchTopKSAE',
  'MatryoshkaBatchTopKSAE',
];

/** The classes whose state-dict keys these are (AutoEncoderTopK and BatchTopKSAE share theirs). */
function classesByKeys(t: TensorReader): DictClass[] {
  if (t.has('decoder_bias') && t.has('r_mag')) return ['GatedAutoEncoder'];
  if (t.has('group_sizes') && t.has('W_enc')) return ['MatryoshkaBatchTopKSAE'];
  if (t.has('W_enc') && t.has('threshold')) return ['JumpReluAutoEncoder'];
  if (t.has('bias') && t.has('encoder.weight')) return ['AutoEncoder'];
  if (t.has('decoder.bias') && t.has('encoder.weight')) return ['AutoEncoderNew'];
  if (t.has('b_dec') && t.has('encoder.weight')) return ['AutoEncoderTopK', 'BatchTopKSAE'];
  return [];
}

export function looksLikeDictionaryLearning(t: TensorReader): boolean {
  return classesByKeys(t).length > 0;
}

function dictClass(t: TensorReader, config: JsonSideFile | undefined): DictClass {
  const byKeys = classesByKeys(t);
  const trainer = config?.json.trainer as Record<string, unknown> | undefined;
  const named = trainer?.dict_class;
  if (named !== undefined) {
    if (!CLASSES.includes(named as DictClass))
      throw new DataFileError(config!.name, `dict_class '${String(named)}' is not one dictionary_learning loads`, {
        key: 'trainer.dict_class',
      });
    if (!byKeys.includes(named as DictClass))
      throw new DataFileError(
        config!.name,
        `dict_class '${String(named)}' does not match ${t.file}, whose tensors are those of ${byKeys.join(' or ') || 'no known class'}`,
        { key: 'trainer.dict_class' },
      );
    return named as DictClass;
  }
  if (byKeys.length === 1) return byKeys[0];
  throw new DataFileError(
    t.file,
    'AutoEncoderTopK and BatchTopKSAE save identical tensors but encode differently (top-k vs a threshold); choose its config.json too (trainer.dict_class tells them apart)',
  );
}

export function importDictionaryLearning(file: SaeWeightsFile, config: JsonSideFile | undefined): ImportedSae {
  const t = new TensorReader(file.name, file.tensors);
  const cls = dictClass(t, config);
  const notes: string[] = [];
  const trainer = config?.json.trainer as Record<string, unknown> | undefined;
  let weights: SaeWeights;
  if (cls === 'GatedAutoEncoder')
    throw new DataFileError(
      file.name,
      "GatedAutoEncoder is not supported: its gate and magnitude paths are two encoders, and Probelab's engine encodes with one",
    );
  if (cls === 'AutoEncoder' || cls === 'AutoEncoderNew' || cls === 'AutoEncoderTopK' || cls === 'BatchTopKSAE') {
    const enc = t.get('encoder.weight', [null, null]);
    const [dSae, dIn] = enc.shape;
    const wEnc = transpose(enc.data, dSae, dIn);
    const bEnc = t.get('encoder.bias', [dSae]).data;
    const wDec = transpose(t.get('decoder.weight', [dIn, dSae]).data, dIn, dSae);
    const base = { dIn, dSae, wEnc, bEnc, wDec };
    if (cls === 'AutoEncoder') {
      // encode relu(encoder(x − bias)); from_pretrained (normalize_decoder=True, what load_dictionary calls)
      // rescales latents to unit decoder columns unless they already are (torch.allclose).
      t.onlyThese(['bias', 'encoder.weight', 'encoder.bias', 'decoder.weight'], cls);
      const bDec = t.get('bias', [dIn]).data;
      const n = columnNorms(t.get('decoder.weight', [dIn, dSae]).data, dIn, dSae);
      if (allCloseToOne(n)) {
        weights = { ...base, bDec, architecture: 'relu', k: null };
      } else {
        weights = { ...base, ...scaleLatents(base, n), bDec, architecture: 'relu', k: null };
        notes.push('decoder columns normalised as AutoEncoder.from_pretrained does by default (codes × ‖decoder col‖)');
      }
    } else if (cls === 'AutoEncoderNew') {
      // encode relu(encoder(x)), decode decoder(f) with its bias: no pre-subtraction, folded.
      t.onlyThese(['encoder.weight', 'encoder.bias', 'decoder.weight', 'decoder.bias'], cls);
      const bDec = t.get('decoder.bias', [dIn]).data;
      weights = { ...base, bEnc: foldDecoderBias(wEnc, bEnc, bDec), bDec, architecture: 'relu', k: null };
      notes.push(
        'AutoEncoderNew encodes x without subtracting the decoder bias: b_enc′ = b_enc + W_encᵀ·b_dec (exact fold)',
      );
    } else {
      t.onlyThese(['b_dec', 'k', 'threshold', 'encoder.weight', 'encoder.bias', 'decoder.weight'], cls);
      const bDec = t.get('b_dec', [dIn]).data;
      // from_pretrained(k=config k): the k buffer, or config.json's trainer.k for files saved before it existed.
      const kBuffer = t.has('k') ? t.scalar('k') : undefined;
      const kConfig = trainer?.k;
      if (kBuffer !== undefined && kConfig !== undefined && kConfig !== kBuffer)
        throw new DataFileError(config!.name, `k = ${String(kConfig)} but ${file.name} holds k = ${kBuffer}`, {
          key: 'trainer.k',
        });
      const k = kBuffer ?? (typeof kConfig === 'number' ? kConfig : undefined);
      if (cls === 'AutoEncoderTopK') {
        if (!(Number.isSafeInteger(k) && k! >= 1 && k! <= dSae))
          throw new DataFileError(file.name, `AutoEncoderTopK needs k in [1, ${dSae}] (the k buffer or trainer.k)`, {
            key: 'k',
          });
        // encode() defaults to use_threshold=False: top-k of relu(pre); the threshold buffer is not used.
        weights = { ...base, bDec, architecture: 'topk', k: k! };
        if (t.has('threshold') && t.scalar('threshold') >= 0)
          notes.push('AutoEncoderTopK: its threshold buffer is ignored, as encode() ignores it by default (top-k)');
      } else {
        // encode() defaults to use_threshold=True: relu(pre)·1[relu(pre) > θ], one scalar θ.
        const theta = t.has('threshold') ? t.scalar('threshold') : -1;
        weights = { ...base, bDec, architecture: 'jumprelu', k: null, threshold: thresholdFor(theta, dSae, notes) };
      }
    }
  } else {
    const wEnc = t.get('W_enc', [null, null]);
    const [dIn, dSae] = wEnc.shape;
    const bEnc = t.get('b_enc', [dSae]).data;
    const wDec = t.get('W_dec', [dSae, dIn]).data;
    const bDec = t.get('b_dec', [dIn]).data;
    if (cls === 'JumpReluAutoEncoder') {
      // apply_b_dec_to_input is False (an attribute, not saved): pre = x·W_enc + b_enc, f = relu(pre·1[pre > θ]).
      t.onlyThese(['W_enc', 'b_enc', 'W_dec', 'b_dec', 'threshold'], cls);
      const { threshold, negative } = clampThreshold(t.get('threshold', [dSae]).data);
      if (negative) notes.push(`${negative} negative thresholds act as 0 (the ReLU follows the mask)`);
      notes.push('JumpReluAutoEncoder does not subtract b_dec: b_enc′ = b_enc + W_encᵀ·b_dec (exact fold)');
      weights = {
        dIn,
        dSae,
        wEnc: wEnc.data,
        bEnc: foldDecoderBias(wEnc.data, bEnc, bDec),
        wDec,
        bDec,
        threshold,
        architecture: 'jumprelu',
        k: null,
      };
    } else {
      // Matryoshka: relu((x − b_dec)·W_enc + b_enc)·1[· > θ]; with every group active the group cut is d_sae.
      t.onlyThese(['W_enc', 'b_enc', 'W_dec', 'b_dec', 'k', 'threshold', 'group_sizes'], cls);
      const groups = t.get('group_sizes', [null]).data;
      const total = groups.reduce((a, b) => a + b, 0);
      if (total !== dSae)
        throw new DataFileError(file.name, `group sizes add up to ${total}, not d_sae = ${dSae}`, {
          key: 'group_sizes',
        });
      const theta = t.scalar('threshold');
      weights = {
        dIn,
        dSae,
        wEnc: wEnc.data,
        bEnc,
        wDec,
        bDec,
        architecture: 'jumprelu',
        k: null,
        threshold: thresholdFor(theta, dSae, notes),
      };
    }
  }
  checkParamShapes(weights, weights.dIn, weights.dSae, file.name);
  return { format: 'dictionary_learning', variant: cls, name: file.name, weights, notes };
}

/** BatchTopK's scalar inference threshold on relu(pre): pre > max(θ, 0) for every latent. */
function thresholdFor(theta: number, dSae: number, notes: string[]): Float32Array {
  notes.push(
    theta < 0
      ? `threshold ${theta} was never set by training: every positive pre-activation passes (a ReLU SAE)`
      : `one threshold ${theta} for every latent (encode() with use_threshold=True, its default)`,
  );
  return new Float32Array(dSae).fill(Math.max(0, theta));
}
