// Reads a strided view of a storage (a PyTorch tensor: shape, strides and an element offset into its storage) as
// row-major f32. Contiguous views go through the .npy slice loop. Dense views (a transpose, every other row) are
// gathered from windows spanning several rows, so the storage is read once, in order; sparse views (a few elements
// far apart, say a stride of 2^28) read only the runs they use, so the bytes read and held follow the view's size,
// never the distance its strides span.

import type { ByteSource } from './byte-source';
import { DEFAULT_BUDGETS } from './budgets';
import { DataFileError } from './errors';
import { decodeToF32, DTYPE_BYTES, type DType } from './dtype';
import { checkRowRange, npyEntry, READ_SLICE_BYTES, tooLargeError } from './npy';
import { allocF32, elementCount, type TensorEntry } from './tensor-entry';

export interface StridedView {
  key: string;
  dtype: DType;
  shape: number[];
  /** In elements, as PyTorch reports them; all non-negative (PyTorch has no negative strides). */
  stride: number[];
  /** Element offset of the view's first value in its storage. */
  offset: number;
  littleEndian: boolean;
  /** The file, for errors. */
  file: string;
  /** Opens the storage's bytes (a zip member or a window of the file). */
  openStorage: () => Promise<ByteSource>;
  /** Most values one read may return (the tensorElements budget). */
  maxElements?: number;
  /** The storage is inflated from its start on every read (a deflate member), so reads cost its prefix. */
  compressedStorage?: boolean;
}

/** Whether the strides are row-major for the shape (dims of size 1 may have any stride). */
export function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** A view is read densely while the storage it spans is at most this many times its own size. */
const DENSE_SPAN_FACTOR = 4;
/** Runs of a sparse view closer than this (in elements) are fetched in one read. */
const SPARSE_GAP = 4096;
/** Runs gathered before a segment is read, bounding the bookkeeping of one read. */
const MAX_PENDING_RUNS = 1 << 16;

export function stridedEntry(v: StridedView): TensorEntry {
  const { key, dtype, shape, stride, offset, littleEndian, file } = v;
  const itemBytes = DTYPE_BYTES[dtype];
  const rows = shape.length === 0 ? 1 : shape[0];
  const maxElements = v.maxElements ?? DEFAULT_BUDGETS.tensorElements;
  const windowElems = Math.max(1, Math.floor(READ_SLICE_BYTES / itemBytes));
  const restShape = shape.slice(1);
  const restStride = stride.slice(1);
  const restCount = elementCount(restShape);
  let restMax = 0;
  for (let d = 0; d < restShape.length; d++) restMax += (restShape[d] - 1) * restStride[d];
  // A row's values lie within restMax + 1 storage elements; dense when that is not much more than the row holds.
  const sparse = restCount > 0 && restMax + 1 > Math.max(windowElems, DENSE_SPAN_FACTOR * restCount);

  const readSpan = async (storage: ByteSource, start: number, span: number, what: string) => {
    const bytes = await storage.read(start * itemBytes, span * itemBytes);
    if (bytes.length < span * itemBytes) {
      throw new DataFileError(file, `storage ends before the view's ${what}`, {
        key,
        offset: start * itemBytes + bytes.length,
      });
    }
    return bytes;
  };

  /** Rows [r0, r1) of a dense view, from windows of the storage covering as many rows as fit. */
  const gatherDense = async (
    storage: ByteSource,
    r0: number,
    r1: number,
    out: Float32Array,
    onProgress?: (done: number, total: number) => void,
  ) => {
    const rank = shape.length;
    const s0 = stride[0];
    let tmp = new Float32Array(0);
    let o = 0;
    for (let i0 = r0; i0 < r1;) {
      // As many rows as fit in one window of the storage (at least one, however wide a row's span is).
      const i1 = s0 > 0 ? Math.min(r1, Math.max(i0 + 1, i0 + 1 + Math.floor((windowElems - restMax - 1) / s0))) : r1;
      const start = offset + i0 * s0;
      const span = (i1 - 1 - i0) * s0 + restMax + 1;
      const bytes = await readSpan(storage, start, span, `rows ${i0}..${i1 - 1}`);
      if (tmp.length < span) tmp = new Float32Array(span);
      decodeToF32(bytes, dtype, littleEndian, span, tmp, 0);
      for (let r = i0; r < i1; r++) {
        const base = (r - i0) * s0;
        if (rank === 1) {
          out[o++] = tmp[base];
          continue;
        }
        if (rank === 2) {
          const n = restShape[0];
          const s = restStride[0];
          for (let j = 0; j < n; j++) out[o++] = tmp[base + j * s];
          continue;
        }
        // General rank: an odometer over the remaining dimensions.
        const idx = new Array<number>(restShape.length).fill(0);
        let at = base;
        for (let k = 0; k < restCount; k++) {
          out[o++] = tmp[at];
          for (let d = restShape.length - 1; d >= 0; d--) {
            if (++idx[d] < restShape[d]) {
              at += restStride[d];
              break;
            }
            at -= (restShape[d] - 1) * restStride[d];
            idx[d] = 0;
          }
        }
      }
      onProgress?.(o * itemBytes, out.length * itemBytes);
      i0 = i1;
    }
  };

  /**
   * Rows [r0, r1) of a sparse view: its runs (the innermost dimension when it is contiguous, else single values)
   * are visited in row-major order and fetched in segments of nearby runs, so only the bytes near the view's
   * values are read.
   */
  const gatherSparse = async (storage: ByteSource, r0: number, r1: number, out: Float32Array) => {
    const rank = shape.length;
    const runLen = rank >= 2 && stride[rank - 1] === 1 ? shape[rank - 1] : 1;
    const outerShape = [r1 - r0, ...shape.slice(1, runLen > 1 ? rank - 1 : rank)];
    const outerStride = [stride[0], ...stride.slice(1, runLen > 1 ? rank - 1 : rank)];
    const runs = elementCount(outerShape);
    const pendAt = new Float64Array(Math.min(runs, MAX_PENDING_RUNS));
    let pending = 0;
    let segStart = 0;
    let segEnd = 0;
    let outPos = 0;
    let tmp = new Float32Array(0);
    const flush = async () => {
      if (!pending) return;
      const span = segEnd - segStart;
      const bytes = await readSpan(storage, segStart, span, `values from element ${segStart}`);
      if (tmp.length < span) tmp = new Float32Array(span);
      decodeToF32(bytes, dtype, littleEndian, span, tmp, 0);
      for (let k = 0; k < pending; k++) {
        const from = pendAt[k] - segStart;
        for (let j = 0; j < runLen; j++) out[outPos++] = tmp[from + j];
      }
      pending = 0;
    };
    const idx = new Array<number>(outerShape.length).fill(0);
    let at = offset + r0 * stride[0];
    for (let k = 0; k < runs; k++) {
      const end = at + runLen;
      const joins =
        pending > 0 &&
        pending < pendAt.length &&
        at >= segStart &&
        at <= segEnd + SPARSE_GAP &&
        Math.max(segEnd, end) - segStart <= windowElems;
      if (!joins) {
        await flush();
        segStart = at;
        segEnd = end;
      } else segEnd = Math.max(segEnd, end);
      pendAt[pending++] = at;
      for (let d = outerShape.length - 1; d >= 0; d--) {
        if (++idx[d] < outerShape[d]) {
          at += outerStride[d];
          break;
        }
        at -= (outerShape[d] - 1) * outerStride[d];
        idx[d] = 0;
      }
    }
    await flush();
  };

  const gather = async (r0: number, r1: number, onProgress?: (done: number, total: number) => void) => {
    const n = (r1 - r0) * restCount;
    if (n > maxElements) throw tooLargeError(file, key, [r1 - r0, ...restShape], n, maxElements);
    const out = allocF32(n, file, key);
    // No values, however many rows: nothing to read or loop over.
    if (n === 0) return out;
    const storage = await v.openStorage();
    if (sparse) await gatherSparse(storage, r0, r1, out);
    else await gatherDense(storage, r0, r1, out, onProgress);
    return out;
  };
  const contiguous = async () =>
    npyEntry(
      await v.openStorage(),
      { dtype, littleEndian, fortranOrder: false, shape, dataOffset: offset * itemBytes },
      key,
      { ...DEFAULT_BUDGETS, tensorElements: maxElements },
    );
  const isDense = isContiguous(shape, stride);
  const count = elementCount(shape);
  const lastElement = count === 0 ? 0 : offset + (rows - 1) * (stride[0] ?? 0) + restMax + 1;
  return {
    key,
    dtype,
    shape,
    readCost: v.compressedStorage ? lastElement * itemBytes : count * itemBytes,
    readF32: async (onProgress) => {
      if (count > maxElements) throw tooLargeError(file, key, shape, count, maxElements);
      if (count === 0) return new Float32Array(0);
      if (isDense) return (await contiguous()).readF32(onProgress);
      return gather(0, rows, onProgress);
    },
    readRowsF32: async (rowStart, rowEnd) => {
      checkRowRange(rowStart, rowEnd, shape, file, key);
      if (isDense || shape.length === 0) return (await contiguous()).readRowsF32!(rowStart, rowEnd);
      return gather(rowStart, rowEnd);
    },
  };
}
