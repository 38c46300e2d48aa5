// Reads a strided view of a storage (a PyTorch tensor: shape, strides and an element offset into its storage) as
// row-major f32. Contiguous views go through the .npy slice loop; other views are gathered in windows of rows,
// so a view of every other row reads the storage once, in order, without materialising all of it.

import type { ByteSource } from './byte-source';
import { DataFileError } from './errors';
import { decodeToF32, DTYPE_BYTES, type DType } from './dtype';
import { MAX_ELEMENTS, npyEntry, READ_SLICE_BYTES } from './npy';
import { elementCount, type TensorEntry } from './tensor-entry';

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

export function stridedEntry(v: StridedView): TensorEntry {
  const { key, dtype, shape, stride, offset, littleEndian, file } = v;
  const itemBytes = DTYPE_BYTES[dtype];
  const rows = shape.length === 0 ? 1 : shape[0];
  /** Row-major f32 values of rows [r0, r1), gathered in windows of the storage. */
  const gather = async (
    storage: ByteSource,
    r0: number,
    r1: number,
    onProgress?: (done: number, total: number) => void,
  ) => {
    const restShape = shape.slice(1);
    const restStride = stride.slice(1);
    const restCount = elementCount(restShape);
    const out = new Float32Array((r1 - r0) * restCount);
    const rank = shape.length;
    const s0 = stride[0];
    let restMax = 0;
    for (let d = 0; d < restShape.length; d++) restMax += (restShape[d] - 1) * restStride[d];
    const windowElems = Math.max(1, Math.floor(READ_SLICE_BYTES / itemBytes));
    let tmp = new Float32Array(0);
    let o = 0;
    for (let i0 = r0; i0 < r1;) {
      // As many rows as fit in one window of the storage (at least one, however wide a row's span is).
      const i1 = s0 > 0 ? Math.min(r1, Math.max(i0 + 1, i0 + 1 + Math.floor((windowElems - restMax - 1) / s0))) : r1;
      const start = offset + i0 * s0;
      const span = (i1 - 1 - i0) * s0 + restMax + 1;
      const bytes = await storage.read(start * itemBytes, span * itemBytes);
      if (bytes.length < span * itemBytes) {
        throw new DataFileError(file, `storage ends before the view's rows ${i0}..${i1 - 1}`, {
          key,
          offset: start * itemBytes + bytes.length,
        });
      }
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
    return out;
  };
  const contiguous = (storage: ByteSource) =>
    npyEntry(storage, { dtype, littleEndian, fortranOrder: false, shape, dataOffset: offset * itemBytes }, key);
  return {
    key,
    dtype,
    shape,
    readF32: async (onProgress) => {
      const count = elementCount(shape);
      if (count > MAX_ELEMENTS) {
        throw new DataFileError(
          file,
          `shape [${shape}] has ${count} elements, more than the ${MAX_ELEMENTS} that fit in one array; read it by row blocks (readRowsF32) instead`,
          { key },
        );
      }
      const storage = await v.openStorage();
      if (count === 0) return new Float32Array(0);
      if (isContiguous(shape, stride)) return contiguous(storage).readF32(onProgress);
      return gather(storage, 0, rows, onProgress);
    },
    readRowsF32: async (rowStart, rowEnd) => {
      if (!(
        Number.isInteger(rowStart) &&
        Number.isInteger(rowEnd) &&
        rowStart >= 0 &&
        rowStart <= rowEnd &&
        rowEnd <= rows
      )) {
        throw new DataFileError(file, `invalid row range [${rowStart}, ${rowEnd}) for shape [${shape}]`, { key });
      }
      const storage = await v.openStorage();
      if (isContiguous(shape, stride) || shape.length === 0) return contiguous(storage).readRowsF32!(rowStart, rowEnd);
      return gather(storage, rowStart, rowEnd);
    },
  };
}
