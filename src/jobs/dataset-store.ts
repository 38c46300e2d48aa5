// The worker's loaded files: each dropped file opened once (headers only), its arrays decoded to f32 on
// first use and cached. Opening a bad file throws before anything is stored, so earlier files stay intact.

import type { ByteSource } from '../core/formats/byte-source';
import { DataFileError } from '../core/formats/errors';
import { parseJsonSideFile } from '../core/formats/json-side-files';
import type { TensorEntry } from '../core/formats/tensor-entry';
import { openTensorFile } from './open-tensor-file';
import type { ArrayRef, FileId, FileSummary } from '../protocol';

export interface TableColumn {
  name: string;
  values: Float64Array | string[];
}

interface LoadedFile {
  summary: FileSummary;
  close?: () => void;
  tensors: Map<string, TensorEntry>;
  columns: Map<string, TableColumn>;
  split?: { train: number[]; test: number[] };
  classNames?: string[];
  decoded: Map<string, Float32Array>;
}

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export type LabelValues = { kind: 'numeric'; values: Float32Array } | { kind: 'string'; values: string[] };

export class DatasetStore {
  private files = new Map<FileId, LoadedFile>();

  async open(fileId: FileId, source: ByteSource): Promise<FileSummary> {
    const base = { fileId, name: source.name, sizeBytes: source.size, tensors: [], columns: [] };
    let loaded: LoadedFile;
    if (/\.json$/i.test(source.name)) {
      const side = parseJsonSideFile(source.name, new TextDecoder().decode(await source.read(0, source.size)));
      loaded = side.kind === 'split'
        ? { summary: { ...base, kind: 'split', split: { train: side.train.length, test: side.test.length } },
            tensors: new Map(), columns: new Map(), split: { train: side.train, test: side.test }, decoded: new Map() }
        : { summary: { ...base, kind: 'classes', classNames: side.names },
            tensors: new Map(), columns: new Map(), classNames: side.names, decoded: new Map() };
    } else {
      const opened = await openTensorFile(source);
      loaded = {
        summary: {
          ...base, kind: opened.kind,
          tensors: opened.tensors.map((t) => ({ key: t.key, dtype: t.dtype, shape: t.shape })),
          columns: opened.columns.map((c) => ({ name: c.name, numeric: !Array.isArray(c.values), rows: c.values.length })),
        },
        tensors: new Map(opened.tensors.map((t) => [t.key, t])),
        columns: new Map(opened.columns.map((c) => [c.name, c])),
        decoded: new Map(),
        close: opened.close,
      };
    }
    this.files.set(fileId, loaded);
    return loaded.summary;
  }

  forget(fileId: FileId): void {
    this.files.get(fileId)?.close?.();
    this.files.delete(fileId);
  }

  fileName(fileId: FileId): string {
    return this.file(fileId).summary.name;
  }

  private file(fileId: FileId): LoadedFile {
    const f = this.files.get(fileId);
    if (!f) throw new Error(`file ${fileId} is not loaded (it was removed, or the worker restarted)`);
    return f;
  }

  private async decode(ref: ArrayRef, onProgress?: (done: number, total: number) => void): Promise<{ entry: TensorEntry; data: Float32Array }> {
    const f = this.file(ref.fileId);
    const entry = f.tensors.get(ref.key);
    if (!entry) throw new DataFileError(f.summary.name, 'no such tensor', { key: ref.key });
    let data = f.decoded.get(ref.key);
    if (!data) {
      data = await entry.readF32(onProgress);
      f.decoded.set(ref.key, data);
    }
    return { entry, data };
  }

  /** An [N, D] matrix; a 1-D tensor is a single column. NaN/Inf are refused with the first position. */
  async matrix(ref: ArrayRef, onProgress?: (done: number, total: number) => void): Promise<Matrix> {
    const name = this.file(ref.fileId).summary.name;
    const { entry, data } = await this.decode(ref, onProgress);
    if (entry.shape.length > 2 || entry.shape.length === 0) {
      throw new DataFileError(name, `activations must be [N, D] (or [N]); this tensor is [${entry.shape}]`, { key: ref.key || undefined });
    }
    const rows = entry.shape[0];
    const cols = entry.shape.length === 2 ? entry.shape[1] : 1;
    const bad = firstNonFinite(data);
    if (bad >= 0) {
      throw new DataFileError(name,
        `value ${data[bad]} at row ${Math.floor(bad / cols)}, column ${bad % cols} is not finite; remove or impute non-finite rows`,
        { key: ref.key || undefined, row: Math.floor(bad / cols) });
    }
    return { data, rows, cols };
  }

  async labels(ref: ArrayRef): Promise<LabelValues> {
    const f = this.file(ref.fileId);
    const column = f.columns.get(ref.key);
    if (column) {
      return Array.isArray(column.values)
        ? { kind: 'string', values: column.values }
        : { kind: 'numeric', values: Float32Array.from(column.values) };
    }
    const { entry, data } = await this.decode(ref);
    if (entry.shape.length !== 1 && !(entry.shape.length === 2 && entry.shape[1] === 1)) {
      throw new DataFileError(f.summary.name, `labels must be one value per row, [N]; this tensor is [${entry.shape}]`, { key: ref.key || undefined });
    }
    const bad = firstNonFinite(data);
    if (bad >= 0) throw new DataFileError(f.summary.name, `label ${data[bad]} is not finite`, { key: ref.key || undefined, row: bad });
    return { kind: 'numeric', values: data };
  }

  split(fileId: FileId): { train: number[]; test: number[]; source: string } {
    const f = this.file(fileId);
    if (!f.split) throw new Error(`${f.summary.name} is not a split file`);
    return { train: f.split.train, test: f.split.test, source: f.summary.name };
  }
}

function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}
