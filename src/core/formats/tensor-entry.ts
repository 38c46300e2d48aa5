// What every container parser (npy, npz, safetensors, pt, h5) returns: a described tensor whose values are
// read on demand, so listing a multi-gigabyte file touches only its headers.

import type { DType } from './dtype';
import { DataFileError } from './errors';

export interface TensorEntry {
  /** Key inside the container ('' for a bare .npy). */
  key: string;
  dtype: DType;
  shape: number[];
  /** Reads all values as f32 in C (row-major) order, converting dtype, byte order and layout. */
  readF32(onProgress?: (bytesDone: number, bytesTotal: number) => void): Promise<Float32Array>;
  /**
   * Reads rows [rowStart, rowEnd) along the first axis as f32 in C order (rowEnd - rowStart times the product of
   * the other dims), touching only those rows' bytes. Present where the layout allows (npy in C and Fortran order,
   * safetensors, npz members, torch storages, HDF5 datasets); also works for tensors too large for readF32.
   */
  readRowsF32?(rowStart: number, rowEnd: number): Promise<Float32Array>;
  /**
   * Set where each row read costs a pass over the whole tensor (a column-major member of a deflate-compressed
   * archive): streaming consumers then read it whole once, when it fits, instead of block by block.
   */
  wholeReadsPreferred?: boolean;
  /**
   * Bytes a whole read reads or inflates, where that differs from the values' own size (a view into a
   * deflate-compressed storage inflates everything before it); lets a caller budget optional reads.
   */
  readCost?: number;
}

/** What reading the whole tensor costs in bytes read or inflated. */
export function readCostOf(entry: TensorEntry, itemBytes: number): number {
  return entry.readCost ?? elementCount(entry.shape) * itemBytes;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Most dimensions accepted (numpy allows 64). */
export const MAX_RANK = 64;

/**
 * Refuses shapes no reader should loop over: too many dimensions, or sizes that are not non-negative safe
 * integers. (Element counts are checked against the bytes that hold them by each reader.)
 */
export function checkShape(shape: readonly unknown[], fail: (problem: string) => Error): void {
  if (shape.length > MAX_RANK) throw fail(`shape has ${shape.length} dimensions, more than the ${MAX_RANK} accepted`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
      throw fail(`shape entry ${String(d).slice(0, 30)} is not a non-negative integer`);
  }
}

/**
 * The Float32Array a read returns. A tensor within the budget can still be more than the machine (or the tab)
 * can give: the engine's RangeError becomes a DataFileError saying so.
 */
export function allocF32(n: number, file: string, key: string): Float32Array {
  try {
    return new Float32Array(n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new DataFileError(file, `could not allocate ${n} values (${n * 4} bytes) for this tensor: out of memory`, {
      key: key || undefined,
    });
  }
}
