// What every container parser (npy, npz, safetensors, pt, h5) returns: a described tensor whose values are
// read on demand, so listing a multi-gigabyte file touches only its headers.

import type { DType } from './dtype';

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
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
