// What an SAE importer reads: the weights file's tensors (as f32, with their stored dtype and shape), its scalar
// leaves, and the JSON side files beside it; and what it returns: SaeWeights plus what was folded or assumed.
import type { DType } from '../../formats/dtype';
import { DataFileError } from '../../formats/errors';
import type { SaeWeights } from '../params';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
  /** The dtype on disk (values are always handed over as f32). */
  dtype?: DType;
}

/** A weights file as read: safetensors, torch .pt or numpy .npz. */
export interface SaeWeightsFile {
  name: string;
  kind: 'safetensors' | 'torch' | 'npz';
  tensors: Map<string, NamedTensor>;
  /** Non-tensor leaves (torch pickles: strings and numbers by flattened key). */
  metadata: Record<string, string>;
}

export interface JsonSideFile {
  name: string;
  json: Record<string, unknown>;
}

export interface SaeSideFiles {
  /** cfg.json: SAELens and sparsify. */
  cfg?: JsonSideFile;
  /** config.json: dictionary_learning ({"trainer": {...}}). */
  config?: JsonSideFile;
}

export type SaeFormat = 'saelens' | 'dictionary_learning' | 'gemma_scope' | 'sparsify' | 'openai';

export interface ImportedSae {
  format: SaeFormat;
  /** The library's own name for the variant: 'topk', 'AutoEncoderTopK', 'TopK', ... */
  variant: string;
  /** The file the weights came from (and its side config), for display. */
  name: string;
  weights: SaeWeights;
  /** Every fold, default or caveat applied to reach Probelab's encode semantics, in words. */
  notes: string[];
}

/** Tensor access with the shape checks every importer needs; errors name the file and the key. */
export class TensorReader {
  constructor(
    readonly file: string,
    private readonly tensors: Map<string, NamedTensor>,
  ) {}

  has(key: string): boolean {
    return this.tensors.has(key);
  }

  keys(): string[] {
    return [...this.tensors.keys()];
  }

  /** The tensor at `key` with exactly this shape (null: any size on that axis). */
  get(key: string, shape: Array<number | null>): NamedTensor {
    const t = this.tensors.get(key);
    if (!t) throw new DataFileError(this.file, `tensor '${key}' is missing (found: ${this.keys().join(', ')})`);
    const fits = t.shape.length === shape.length && shape.every((s, i) => s === null || s === t.shape[i]);
    if (!fits) {
      const want = shape.map((s) => (s === null ? '?' : s)).join(', ');
      throw new DataFileError(this.file, `tensor has shape [${t.shape.join(', ')}], expected [${want}]`, { key });
    }
    return t;
  }

  /** A 0-d (or one-element) tensor's value. */
  scalar(key: string): number {
    const t = this.tensors.get(key);
    if (!t) throw new DataFileError(this.file, `tensor '${key}' is missing (found: ${this.keys().join(', ')})`);
    if (t.data.length !== 1)
      throw new DataFileError(this.file, `expected a single value, got shape [${t.shape.join(', ')}]`, { key });
    return t.data[0];
  }

  /** Refuses tensors the library's strict load_state_dict would reject. */
  onlyThese(allowed: readonly string[], library: string): void {
    const extra = this.keys().filter((k) => !allowed.includes(k));
    if (extra.length)
      throw new DataFileError(
        this.file,
        `unexpected tensor '${extra[0]}' for this ${library} variant (expected ${allowed.join(', ')})`,
        { key: extra[0] },
      );
  }
}

/** A config value as the library would read it, or the library's default when the key is absent. */
export function cfgValue<T>(side: JsonSideFile, key: string, fallback: T, check: (v: unknown) => v is T): T {
  const v = side.json[key];
  if (v === undefined) return fallback;
  if (!check(v)) throw new DataFileError(side.name, `unexpected value ${JSON.stringify(v).slice(0, 60)}`, { key });
  return v;
}

export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
export const isString = (v: unknown): v is string => typeof v === 'string';
export const isPositiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
