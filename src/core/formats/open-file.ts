// One entry point for every dropped file: recognises the format by its magic bytes first and its extension
// second, and returns its tensors (values still on disk) or its table. Also the NaN/Inf scan run on read values.

import type { ByteSource } from './byte-source';
import { resolveBudgets, type BudgetOverrides } from './budgets';
import { DataFileError } from './errors';
import { openHdf5 } from './hdf5';
import { openNpy } from './npy';
import { openNpz } from './npz';
import { openSafetensors } from './safetensors';
import { openTable, type Table } from './table';
import type { TensorEntry } from './tensor-entry';
import { looksLikeLegacyTorch, openTorchLegacy, openTorchZip, torchPickleName } from './torch';
import { looksLikeZip, openZip } from './zip';

export type FileKind = 'npy' | 'npz' | 'safetensors' | 'torch' | 'hdf5' | 'table';

export interface OpenedFile {
  file: string;
  kind: FileKind;
  /** Described tensors; their values are read on demand with readF32. Empty for tables. */
  tensors: TensorEntry[];
  table?: Table;
  /** safetensors `__metadata__`, torch scalar leaves, HDF5 root attributes. */
  metadata?: Record<string, string>;
  /** Entries present in the file but not loadable as tensors (HDF5 string datasets, say), with the reason. */
  skipped?: { key: string; reason: string }[];
  /** Releases what opening held (the in-memory copy of an HDF5 file); absent when there is nothing to release. */
  close?(): void;
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (head: Uint8Array, magic: number[], at = 0) =>
  head.length >= at + magic.length && magic.every((b, i) => head[at + i] === b);

/** The format a file's first bytes (at least 16, ideally 1 KiB) and name point to, or undefined. */
export function detectKind(
  head: Uint8Array,
  name: string,
  size: number,
): FileKind | 'torch-legacy' | 'zip' | undefined {
  if (startsWith(head, NPY_MAGIC)) return 'npy';
  if (looksLikeZip(head)) return 'zip';
  if (startsWith(head, HDF5_MAGIC)) return 'hdf5';
  if (looksLikeLegacyTorch(head)) return 'torch-legacy';
  // safetensors has no magic: an 8-byte header length that fits the file, then a JSON object.
  if (head.length >= 9 && head[8] === 0x7b) {
    const n = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
    if (n >= 2n && n <= BigInt(size - 8)) return 'safetensors';
  }
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  const byExt: Record<string, FileKind | 'torch-legacy' | 'zip'> = {
    npy: 'npy',
    npz: 'zip',
    safetensors: 'safetensors',
    pt: 'torch-legacy',
    pth: 'torch-legacy',
    ckpt: 'torch-legacy',
    h5: 'hdf5',
    hdf5: 'hdf5',
    he5: 'hdf5',
    csv: 'table',
    tsv: 'table',
    txt: 'table',
    jsonl: 'table',
    ndjson: 'table',
  };
  if (byExt[ext]) return byExt[ext];
  // Text without NUL bytes in its first KiB is offered as a table.
  if (head.length > 0 && !head.includes(0)) return 'table';
  return undefined;
}

/** Opens any supported file within the budgets (the defaults, with `overrides` applied). */
export async function openDataFile(source: ByteSource, overrides: BudgetOverrides = {}): Promise<OpenedFile> {
  const budgets = resolveBudgets(overrides);
  const file = source.name;
  if (source.size === 0) throw new DataFileError(file, 'file is empty');
  const head = await source.read(0, Math.min(source.size, 1024));
  const kind = detectKind(head, file, source.size);
  switch (kind) {
    case 'npy':
      return { file, kind, tensors: [await openNpy(source, '', budgets)] };
    case 'zip': {
      const zip = await openZip(source, budgets);
      if (torchPickleName(zip)) {
        const t = await openTorchZip(source, zip, budgets);
        return { file, kind: 'torch', tensors: t.tensors, metadata: t.metadata };
      }
      return { file, kind: 'npz', tensors: await openNpz(source, zip, budgets) };
    }
    case 'torch-legacy': {
      const t = await openTorchLegacy(source, budgets);
      return { file, kind: 'torch', tensors: t.tensors, metadata: t.metadata };
    }
    case 'safetensors': {
      const s = await openSafetensors(source, budgets);
      return { file, kind, tensors: s.tensors, metadata: s.metadata };
    }
    case 'hdf5': {
      const h = await openHdf5(source, budgets);
      return { file, kind, tensors: h.tensors, metadata: h.metadata, skipped: h.skipped, close: h.close };
    }
    case 'table': {
      const ext = /\.(tsv|jsonl|ndjson)$/i.exec(file)?.[1]?.toLowerCase();
      const table = await openTable(
        source,
        ext === 'tsv' ? 'tsv' : ext === 'jsonl' || ext === 'ndjson' ? 'jsonl' : undefined,
        budgets,
      );
      return { file, kind, tensors: [], table };
    }
    default:
      throw new DataFileError(
        file,
        'unrecognised format: expected .npy, .npz, .safetensors, a PyTorch .pt/.pth, HDF5 .h5, or a CSV/TSV/JSONL table',
        { offset: 0 },
      );
  }
}

export interface NonFinitePosition {
  /** Index along the first axis (the activation row). */
  row: number;
  /** Flat index within that row (0 for a 1-D tensor). */
  col: number;
  kind: 'NaN' | '+Inf' | '-Inf';
}

export interface FinitenessReport {
  nan: number;
  posInf: number;
  negInf: number;
  /** The first few non-finite values in row-major order. */
  first: NonFinitePosition[];
  /** Every row holding at least one non-finite value, ascending (what "drop those rows" removes). */
  rows: number[];
}

/** Counts NaN and ±Inf in row-major values of the given shape and records where they first occur. */
export function scanFinite(
  values: Float32Array | Float64Array,
  shape: readonly number[],
  maxPositions = 10,
): FinitenessReport {
  const rowLen = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  const report: FinitenessReport = { nan: 0, posInf: 0, negInf: 0, first: [], rows: [] };
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // v - v is 0 for finite values and NaN otherwise: one test on the common path.
    if (v - v === 0) continue;
    const kind = Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
    if (kind === 'NaN') report.nan++;
    else if (kind === '+Inf') report.posInf++;
    else report.negInf++;
    const row = Math.floor(i / rowLen);
    if (report.rows[report.rows.length - 1] !== row) report.rows.push(row);
    if (report.first.length < maxPositions) report.first.push({ row, col: i - row * rowLen, kind });
  }
  return report;
}

/** The report as an error naming the file, the key and the first bad row, for callers that refuse such data. */
export function nonFiniteError(file: string, key: string, report: FinitenessReport): DataFileError | undefined {
  const total = report.nan + report.posInf + report.negInf;
  if (total === 0) return undefined;
  const where = report.first.map((p) => `${p.kind} at row ${p.row}, column ${p.col}`).join('; ');
  return new DataFileError(
    file,
    `${report.nan} NaN, ${report.posInf} +Inf and ${report.negInf} -Inf values in ${report.rows.length} rows (${where})`,
    { key: key || undefined, row: report.first[0]?.row },
  );
}

/** Removes the given rows (ascending) from row-major values; returns the kept values and the new shape. */
export function dropRows(
  values: Float32Array,
  shape: readonly number[],
  rows: readonly number[],
): { values: Float32Array; shape: number[] } {
  const n = shape[0] ?? 1;
  const rowLen = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  const drop = new Uint8Array(n);
  for (const r of rows) if (r >= 0 && r < n) drop[r] = 1;
  const kept = n - drop.reduce((a, b) => a + b, 0);
  const out = new Float32Array(kept * rowLen);
  let o = 0;
  for (let r = 0; r < n; r++) {
    if (drop[r]) continue;
    out.set(values.subarray(r * rowLen, (r + 1) * rowLen), o);
    o += rowLen;
  }
  return { values: out, shape: [kept, ...shape.slice(1)] };
}
