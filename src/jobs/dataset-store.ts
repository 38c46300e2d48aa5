// The worker's loaded files: each dropped file opened once (headers only), its arrays decoded to f32 on
// first use and cached. Opening a bad file throws before anything is stored, so earlier files stay intact.

import type { ByteSource } from '../core/formats/byte-source';
import { budgetHint, resolveBudgets, type BudgetOverrides, type FormatBudgets } from '../core/formats/budgets';
import { DTYPE_BYTES, isFloat } from '../core/formats/dtype';
import { DataFileError } from '../core/formats/errors';
import { openJsonSideFile } from '../core/formats/json-side-files';
import { openDataFile, scanFinite, type FinitenessReport } from '../core/formats/open-file';
import type { TableColumn } from '../core/formats/table';
import { rowBlocks, rowsPerBlock } from '../core/formats/row-blocks';
import { elementCount, readCostOf, type TensorEntry } from '../core/formats/tensor-entry';
import { repeatEach, withoutRows } from '../core/views/label-align';
import { applyTokenView, resolveView, type ResolvedView } from '../core/views/tensor-view';
import type { ArrayRef, FileId, FileSummary } from '../protocol';

/** Tensors up to this size (as f32) are scanned for NaN/Inf at load, so the summary can report them up front. */
export const SCAN_AT_LOAD_BYTES = 256 << 20;
/**
 * All the scanning one load does reads (or inflates) at most this many bytes: a file of a hundred thousand views of
 * one storage lists them all, but scans only the first ones (the rest are scanned when used, like large tensors).
 */
export const SCAN_WORK_BYTES = 1 << 30;

interface LoadedFile {
  summary: FileSummary;
  close?: () => void;
  tensors: Map<string, TensorEntry>;
  columns: Map<string, TableColumn>;
  split?: { train: number[]; test: number[] };
  classNames?: string[];
  /** Whole tensors decoded to f32, by key. */
  decoded: Map<string, Float32Array>;
  /** Layer and token views of 3-D tensors, by view key (the whole 3-D tensor is never cached). */
  views: Map<string, Float32Array>;
}

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
  /** Rows (indices into the view before dropping) removed for holding NaN/Inf, when the ref asked to drop them. */
  droppedRows?: number[];
}

/** A block of consecutive view rows, for consumers that stream activations too large to hold as one matrix. */
export interface MatrixBlock {
  /** Index of the block's first row in the view. */
  rowStart: number;
  rows: number;
  cols: number;
  data: Float32Array;
}

export type LabelValues = { kind: 'numeric'; values: Float32Array } | { kind: 'string'; values: string[] };

const viewKey = (ref: ArrayRef) => `${ref.key}\u0000${ref.layer ?? ''}\u0000${ref.token ?? ''}`;

export class DatasetStore {
  private files = new Map<FileId, LoadedFile>();
  private budgets: FormatBudgets;

  /** `budgets` raise (or lower) the readers' defaults for every file opened from now on. */
  constructor(budgets: BudgetOverrides = {}) {
    this.budgets = resolveBudgets(budgets);
  }

  setBudgets(budgets: BudgetOverrides): void {
    this.budgets = resolveBudgets(budgets);
  }

  async open(fileId: FileId, source: ByteSource): Promise<FileSummary> {
    const base = { fileId, name: source.name, sizeBytes: source.size, tensors: [], columns: [] };
    let loaded: LoadedFile;
    if (/\.json$/i.test(source.name)) {
      const side = await openJsonSideFile(source, this.budgets);
      loaded =
        side.kind === 'split'
          ? {
              summary: { ...base, kind: 'split', split: { train: side.train.length, test: side.test.length } },
              tensors: new Map(),
              columns: new Map(),
              split: { train: side.train, test: side.test },
              decoded: new Map(),
              views: new Map(),
            }
          : {
              summary: { ...base, kind: 'classes', classNames: side.names },
              tensors: new Map(),
              columns: new Map(),
              classNames: side.names,
              decoded: new Map(),
              views: new Map(),
            };
    } else {
      const file = await openDataFile(source, this.budgets);
      const opened = { kind: file.kind, tensors: file.tensors, columns: file.table?.columns ?? [], close: file.close };
      let scan: Pick<FileSummary, 'nonFinite' | 'unscanned'>;
      try {
        scan = await scanTensors(opened.tensors, source.name, this.budgets.tensorElements);
      } catch (e) {
        opened.close?.();
        throw e;
      }
      loaded = {
        summary: {
          ...base,
          kind: opened.kind,
          tensors: opened.tensors.map((t) => ({ key: t.key, dtype: t.dtype, shape: t.shape })),
          columns: opened.columns.map((c) => ({
            name: c.name,
            numeric: !Array.isArray(c.values),
            rows: c.values.length,
          })),
          ...scan,
        },
        tensors: new Map(opened.tensors.map((t) => [t.key, t])),
        columns: new Map(opened.columns.map((c) => [c.name, c])),
        decoded: new Map(),
        views: new Map(),
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

  private entry(ref: ArrayRef): { f: LoadedFile; entry: TensorEntry } {
    const f = this.file(ref.fileId);
    const entry = f.tensors.get(ref.key);
    if (!entry) throw new DataFileError(f.summary.name, 'no such tensor', { key: ref.key });
    return { f, entry };
  }

  private async decode(
    ref: ArrayRef,
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ entry: TensorEntry; data: Float32Array }> {
    const { f, entry } = this.entry(ref);
    let data = f.decoded.get(ref.key);
    if (!data) {
      data = await entry.readF32(onProgress);
      f.decoded.set(ref.key, data);
    }
    return { entry, data };
  }

  /** The view a ref asks for ([N, D], [N], a layer of [L, N, D], a token choice of [N, T, D]), or a clear error. */
  view(ref: ArrayRef): ResolvedView {
    const { f, entry } = this.entry(ref);
    const v = resolveView(entry.shape, { layer: ref.layer, token: ref.token });
    if (!v.ok) throw new DataFileError(f.summary.name, v.problem, { key: ref.key || undefined });
    // Rows without values (a shape like [2^53 - 1, 0]) carry nothing to train on, however many there are.
    if (v.cols === 0 && entry.shape.length > 1)
      throw new DataFileError(f.summary.name, `shape [${entry.shape}] has no values per row`, {
        key: ref.key || undefined,
      });
    return v;
  }

  /** The view's values before any non-finite rows are dropped; a layer or token view reads only what it needs. */
  private async viewValues(
    ref: ArrayRef,
    v: ResolvedView,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Float32Array> {
    const { f, entry } = this.entry(ref);
    const limit = this.budgets.tensorElements;
    if (v.rows * v.cols > limit) {
      throw new DataFileError(
        f.summary.name,
        `the [${v.rows}, ${v.cols}] view of [${entry.shape}] has more than the ${limit} values that fit in one array; ` +
          `pick a layer or a single token, or use a streaming consumer (DatasetStore.blocks) (${budgetHint('tensorElements', limit)})`,
        { key: ref.key || undefined },
      );
    }
    if (entry.shape.length <= 2) return (await this.decode(ref, onProgress)).data;
    const k = viewKey(ref);
    let data = f.views.get(k);
    if (!data) {
      data = new Float32Array(v.rows * v.cols);
      for await (const b of this.blocks({ ...ref, dropNonFinite: true }, undefined, v, false))
        data.set(b.data, b.rowStart * v.cols);
      f.views.set(k, data);
    }
    return data;
  }

  /**
   * The activations as an [rows, cols] matrix. NaN/Inf are refused with the first position unless the ref asks
   * to drop those rows (then `droppedRows` lists them, and labels aligned to this ref drop the same rows).
   */
  async matrix(ref: ArrayRef, onProgress?: (done: number, total: number) => void): Promise<Matrix> {
    const name = this.file(ref.fileId).summary.name;
    const v = this.view(ref);
    const data = await this.viewValues(ref, v, onProgress);
    const { rows, cols } = v;
    const report = scanFinite(data, [rows, cols], 3);
    if (report.rows.length === 0) return { data, rows, cols };
    if (!ref.dropNonFinite) throw nonFiniteRefusal(name, ref.key, report, data, cols);
    const kept = dropMatrixRows(data, rows, cols, report.rows);
    return { data: kept, rows: rows - report.rows.length, cols, droppedRows: report.rows };
  }

  /**
   * The view's rows in consecutive blocks, read by row slices of the file: the way to consume tensors too large to
   * hold as one matrix. Non-finite rows are refused, or skipped when the ref drops them (rowStart still counts
   * every view row). A layer of [L, N, D] comes as one block (a layer is read whole).
   */
  async *blocks(
    ref: ArrayRef,
    blockBytes?: number,
    resolved?: ResolvedView,
    checkFinite = true,
  ): AsyncGenerator<MatrixBlock> {
    const { f, entry } = this.entry(ref);
    const v = resolved ?? this.view(ref);
    const { cols } = v;
    const tokens = v.token?.tokens ?? 1;
    const rowsOut = v.token?.choice === 'flatten' ? tokens : 1;
    const step = v.token
      ? rowsPerBlock(entry.shape, blockBytes)
      : v.sourceEnd - v.sourceStart === 1
        ? 1
        : rowsPerBlock(entry.shape, blockBytes);
    let rowStart = 0;
    for await (const b of rowBlocks(entry, {
      rowStart: v.sourceStart,
      rowEnd: v.sourceEnd,
      rowsPerBlock: step,
      file: f.summary.name,
      maxElements: this.budgets.tensorElements,
    })) {
      const n = b.rowEnd - b.rowStart;
      const data = v.token ? applyTokenView(b.values, n, tokens, cols, v.token.choice) : b.values;
      const rows = v.token ? n * rowsOut : data.length / Math.max(1, cols);
      if (checkFinite) {
        const report = scanFinite(data, [rows, cols], 3);
        if (report.rows.length > 0) {
          if (!ref.dropNonFinite) {
            const shifted = {
              ...report,
              first: report.first.map((p) => ({ ...p, row: p.row + rowStart })),
              rows: report.rows.map((r) => r + rowStart),
            };
            throw nonFiniteRefusal(f.summary.name, ref.key, shifted, data, cols, rowStart);
          }
          const kept = dropMatrixRows(data, rows, cols, report.rows);
          yield { rowStart, rows: rows - report.rows.length, cols, data: kept };
          rowStart += rows;
          continue;
        }
      }
      yield { rowStart, rows, cols, data };
      rowStart += rows;
    }
  }

  /**
   * Labels, one per row: a table column (numbers or strings) or a 1-D tensor of int, bool or float. With
   * `alignTo`, they follow those activations: repeated per token when the tokens are flattened, and without the
   * rows the activations dropped as non-finite.
   */
  async labels(ref: ArrayRef): Promise<LabelValues> {
    const f = this.file(ref.fileId);
    const acts = ref.alignTo;
    const labels = ref.rowIds
      ? await this.byRowIds(ref, f, acts ? this.view(acts).labelRows : undefined)
      : await this.rawLabels(ref, f);
    if (!acts) return labels;
    const v = this.view(acts);
    if (labels.values.length !== v.labelRows) {
      throw new DataFileError(
        f.summary.name,
        `labels have ${labels.values.length} rows but the activations (${this.fileName(acts.fileId)}${acts.key ? ` › ${acts.key}` : ''}) have ${v.labelRows}; they cannot be paired`,
        { key: ref.key || undefined },
      );
    }
    const dropped = acts.dropNonFinite ? ((await this.matrix(acts)).droppedRows ?? []) : [];
    if (labels.kind === 'string')
      return { kind: 'string', values: withoutRows(repeatEach(labels.values, v.labelRepeat), dropped) };
    return { kind: 'numeric', values: withoutRows(repeatEach(labels.values, v.labelRepeat), dropped) };
  }

  /** A column placed by an id column: value i lands at row ids[i] of `rows` rows; rows no id names stay empty. */
  private async byRowIds(ref: ArrayRef, f: LoadedFile, rows: number | undefined): Promise<LabelValues> {
    if (rows === undefined)
      throw new DataFileError(f.summary.name, 'an id column needs the activations it indexes', { key: ref.rowIds });
    const values = await this.rawLabels(ref, f);
    const ids = await this.rawLabels({ fileId: ref.fileId, key: ref.rowIds! }, f);
    if (ids.kind !== 'numeric')
      throw new DataFileError(f.summary.name, 'the id column must hold row numbers', { key: ref.rowIds });
    const place = <T>(empty: T, at: (i: number) => T): T[] => {
      const out = new Array<T>(rows).fill(empty);
      for (let i = 0; i < ids.values.length; i++) {
        const r = ids.values[i];
        if (Number.isInteger(r) && r >= 0 && r < rows) out[r] = at(i);
      }
      return out;
    };
    if (values.kind === 'string') return { kind: 'string', values: place('', (i) => values.values[i]) };
    return { kind: 'numeric', values: Float32Array.from(place(NaN, (i) => values.values[i])) };
  }

  private async rawLabels(ref: ArrayRef, f: LoadedFile): Promise<LabelValues> {
    const column = f.columns.get(ref.key);
    if (column) {
      return Array.isArray(column.values)
        ? { kind: 'string', values: column.values }
        : { kind: 'numeric', values: Float32Array.from(column.values) };
    }
    const { entry, data } = await this.decode(ref);
    if (entry.shape.length !== 1 && !(entry.shape.length === 2 && entry.shape[1] === 1)) {
      throw new DataFileError(
        f.summary.name,
        `labels must be one value per row, [N]; this tensor is [${entry.shape}]`,
        { key: ref.key || undefined },
      );
    }
    const bad = firstNonFinite(data);
    if (bad >= 0)
      throw new DataFileError(f.summary.name, `label ${data[bad]} is not finite`, {
        key: ref.key || undefined,
        row: bad,
      });
    return { kind: 'numeric', values: data };
  }

  split(fileId: FileId): { train: number[]; test: number[]; source: string } {
    const f = this.file(fileId);
    if (!f.split) throw new Error(`${f.summary.name} is not a split file`);
    return { train: f.split.train, test: f.split.test, source: f.summary.name };
  }
}

/**
 * Scans float tensors up to SCAN_AT_LOAD_BYTES for NaN/Inf by row blocks (nothing is kept), for the summary,
 * within SCAN_WORK_BYTES of reading for the whole file.
 */
async function scanTensors(
  tensors: TensorEntry[],
  file: string,
  maxElements: number,
): Promise<Pick<FileSummary, 'nonFinite' | 'unscanned'>> {
  const nonFinite: NonNullable<FileSummary['nonFinite']> = [];
  const unscanned: string[] = [];
  let work = 0;
  for (const t of tensors) {
    // Integers and booleans are always finite, and empty tensors have nothing to scan.
    if (!isFloat(t.dtype) || elementCount(t.shape) === 0) continue;
    const cost = readCostOf(t, DTYPE_BYTES[t.dtype]);
    if (elementCount(t.shape) * 4 > SCAN_AT_LOAD_BYTES || work + cost > SCAN_WORK_BYTES) {
      unscanned.push(t.key);
      continue;
    }
    work += cost;
    const total: FinitenessReport = { nan: 0, posInf: 0, negInf: 0, first: [], rows: [] };
    for await (const b of rowBlocks(t, { file, maxElements })) {
      const r = scanFinite(b.values, [b.rowEnd - b.rowStart, ...t.shape.slice(1)], 5);
      total.nan += r.nan;
      total.posInf += r.posInf;
      total.negInf += r.negInf;
      for (const p of r.first) if (total.first.length < 5) total.first.push({ ...p, row: p.row + b.rowStart });
      for (const row of r.rows) total.rows.push(row + b.rowStart);
    }
    if (total.rows.length > 0) {
      nonFinite.push({
        key: t.key,
        nan: total.nan,
        posInf: total.posInf,
        negInf: total.negInf,
        rows: total.rows.length,
        first: total.first,
      });
    }
  }
  return { ...(nonFinite.length ? { nonFinite } : {}), ...(unscanned.length ? { unscanned } : {}) };
}

function nonFiniteRefusal(
  file: string,
  key: string,
  report: FinitenessReport,
  data: Float32Array,
  cols: number,
  rowOffset = 0,
): DataFileError {
  const p = report.first[0];
  const value = data[(p.row - rowOffset) * cols + p.col];
  const counts = `${report.nan} NaN, ${report.posInf} +Inf, ${report.negInf} -Inf in ${report.rows.length} rows`;
  return new DataFileError(
    file,
    `value ${value} at row ${p.row}, column ${p.col} is not finite (${counts}${rowOffset ? ' in this block' : ''}); ` +
      "remove or impute non-finite rows, or choose 'drop non-finite rows' for these activations",
    { key: key || undefined, row: p.row },
  );
}

function dropMatrixRows(data: Float32Array, rows: number, cols: number, drop: readonly number[]): Float32Array {
  const out = new Float32Array((rows - drop.length) * cols);
  let o = 0;
  let d = 0;
  for (let r = 0; r < rows; r++) {
    if (d < drop.length && drop[d] === r) {
      d++;
      continue;
    }
    out.set(data.subarray(r * cols, (r + 1) * cols), o);
    o += cols;
  }
  return out;
}

function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}
