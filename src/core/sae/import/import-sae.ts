// One entry point for a pretrained SAE, page and CLI alike: pick the weights file and its cfg.json / config.json
// among the files given, read them with the project's own parsers, and hand them to the importer of the library
// that wrote them. Every supported format, and what is folded or refused, is listed in README.md.
import { readAll, type ByteSource } from '../../formats/byte-source';
import { DataFileError } from '../../formats/errors';
import { openDataFile } from '../../formats/open-file';
import { importDictionaryLearning, looksLikeDictionaryLearning } from './dictionary-learning';
import { importGemmaScope, looksLikeGemmaScope } from './gemma-scope';
import { importOpenAi, looksLikeOpenAi } from './openai';
import { importSaeLens } from './saelens';
import {
  TensorReader,
  type ImportedSae,
  type JsonSideFile,
  type NamedTensor,
  type SaeSideFiles,
  type SaeWeightsFile,
} from './sae-source';
import { importSparsify, looksLikeSparsify } from './sparsify';

/** Weights files by the names each library writes, most specific first. */
const WEIGHT_NAMES = ['sae_weights.safetensors', 'sae.safetensors', 'ae.pt', 'params.npz'];
/** Files a library writes beside its weights that are not an SAE. */
const NOT_WEIGHTS =
  /^(sparsity\.safetensors|trainer_state\.pt|activations_store_state\.safetensors|state\.pt|optimizer_\d+\.pt|lr_scheduler_\d+\.pt|rank_\d+_state\.pt)$/i;
const MAX_JSON_BYTES = 16 << 20;
const SIDE_NAMES = ['cfg.json', 'config.json'];

const baseName = (name: string) => name.split(/[\\/]/).pop() ?? name;

export const SAE_FORMATS_HINT =
  'an SAE: SAELens (cfg.json + sae_weights.safetensors), dictionary_learning (ae.pt + config.json), Gemma Scope params.npz, sparsify (cfg.json + sae.safetensors) or an OpenAI .pt';

/** Which of the given files are the weights and which the side configs. */
export function pickSaeFiles(sources: ByteSource[]): { weights: ByteSource; json: ByteSource[] } {
  const json = sources.filter(
    (s) => /\.json$/i.test(s.name) && !/^(runner_cfg|activation_scaler)\.json$/i.test(baseName(s.name)),
  );
  const others = sources.filter((s) => !/\.json$/i.test(s.name) && !NOT_WEIGHTS.test(baseName(s.name)));
  const named = WEIGHT_NAMES.map((n) => others.find((s) => baseName(s.name).toLowerCase() === n)).find(Boolean);
  if (named) return { weights: named, json };
  if (others.length === 1) return { weights: others[0], json };
  const listed = sources.map((s) => baseName(s.name)).join(', ') || 'no file';
  throw new DataFileError(
    listed,
    others.length
      ? 'several candidate weights files; choose one SAE at a time'
      : `no weights file; choose ${SAE_FORMATS_HINT}`,
  );
}

async function readJson(source: ByteSource): Promise<JsonSideFile> {
  if (source.size > MAX_JSON_BYTES) throw new DataFileError(source.name, `larger than ${MAX_JSON_BYTES} bytes`);
  const text = new TextDecoder().decode(await readAll(source));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DataFileError(source.name, `not valid JSON (${(e as Error).message})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new DataFileError(source.name, 'expected a JSON object');
  return { name: source.name, json: json as Record<string, unknown> };
}

/**
 * cfg.json (SAELens, sparsify) and config.json (dictionary_learning's {"trainer": ...}) by name; other JSON files
 * only when neither name is among them (a renamed config), placed by content.
 */
async function sideFiles(json: ByteSource[]): Promise<SaeSideFiles> {
  const named = json.filter((s) => SIDE_NAMES.includes(baseName(s.name)));
  const side: SaeSideFiles = {};
  for (const source of named.length ? named : json) {
    const parsed = await readJson(source);
    const base = baseName(source.name);
    const slot = base === 'cfg.json' ? 'cfg' : base === 'config.json' || 'trainer' in parsed.json ? 'config' : 'cfg';
    if (side[slot])
      throw new DataFileError(
        source.name,
        `a second ${slot} file (${side[slot].name} was chosen too); choose one SAE at a time`,
      );
    side[slot] = parsed;
  }
  return side;
}

async function readWeights(source: ByteSource): Promise<SaeWeightsFile> {
  const opened = await openDataFile(source);
  try {
    const kind = opened.kind === 'safetensors' || opened.kind === 'torch' || opened.kind === 'npz' ? opened.kind : null;
    if (!kind) throw new DataFileError(source.name, `a ${opened.kind} file is not ${SAE_FORMATS_HINT}`);
    const metadata = opened.metadata ?? {};
    // dictionary_learning's mid-training backup overwrites ae.pt with {step, ae, optimizer, config, norm_factor};
    // its weights still expect normalised activations, so only the final file is read.
    if (kind === 'torch' && 'step' in metadata && opened.tensors.some((e) => e.key.startsWith('ae.')))
      throw new DataFileError(
        source.name,
        'a dictionary_learning mid-training backup ({step, ae, optimizer, ...}), not the final ae.pt; use the file training ends with',
        { key: 'step' },
      );
    const tensors = new Map<string, NamedTensor>();
    for (const e of opened.tensors) tensors.set(e.key, { shape: e.shape, dtype: e.dtype, data: await e.readF32() });
    return { name: source.name, kind, tensors, metadata };
  } finally {
    opened.close?.();
  }
}

/** The importer for this weights file, by its kind and tensor names. */
export function importSae(file: SaeWeightsFile, side: SaeSideFiles): ImportedSae {
  const t = new TensorReader(file.name, file.tensors);
  let imported: ImportedSae | undefined;
  if (file.kind === 'npz' && looksLikeGemmaScope(file.tensors)) imported = importGemmaScope(file);
  else if (file.kind === 'torch' && looksLikeOpenAi(t)) imported = importOpenAi(file);
  else if (file.kind === 'torch' && looksLikeDictionaryLearning(t))
    imported = importDictionaryLearning(file, side.config);
  else if (file.kind === 'safetensors' && looksLikeSparsify(t)) imported = importSparsify(file, side.cfg);
  else if (file.kind === 'safetensors' && (t.has('W_enc') || t.has('b_gate'))) imported = importSaeLens(file, side.cfg);
  if (!imported)
    throw new DataFileError(
      file.name,
      `not a recognised SAE (tensors: ${t.keys().slice(0, 8).join(', ')}); expected ${SAE_FORMATS_HINT}`,
    );
  const sideName = [side.cfg, side.config].find(Boolean)?.name;
  return { ...imported, name: sideName ? `${baseName(file.name)} + ${baseName(sideName)}` : baseName(file.name) };
}

/** Reads the chosen files (a folder's contents or a weights file with its side config) into one imported SAE. */
export async function readSae(sources: ByteSource[]): Promise<ImportedSae> {
  const { weights, json } = pickSaeFiles(sources);
  const side = await sideFiles(json);
  return importSae(await readWeights(weights), side);
}
