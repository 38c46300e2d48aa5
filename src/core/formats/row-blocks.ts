// Streams a tensor by blocks of rows along its first axis, so a multi-gigabyte activation file is consumed a block
// at a time (bounded memory) rather than materialised. Falls back to one whole read for entries without row reads.

import { DataFileError } from './errors';
import { MAX_ELEMENTS } from './npy';
import { elementCount, type TensorEntry } from './tensor-entry';

export interface RowBlock {
  /** First row of the block (along axis 0). */
  rowStart: number;
  rowEnd: number;
  /** (rowEnd - rowStart) x rowLength values, row-major. */
  values: Float32Array;
}

/** Default block size: 16 MiB of f32 per block, large enough to keep reads efficient, small enough to stream. */
export const DEFAULT_BLOCK_BYTES = 16 << 20;

/** Values per row (product of every dim after the first; 1 for a 1-D tensor). */
export function rowLength(shape: readonly number[]): number {
  return shape.length <= 1 ? 1 : elementCount(shape.slice(1));
}

/** Rows per block so that a block holds about `blockBytes` of f32 (at least one row). */
export function rowsPerBlock(shape: readonly number[], blockBytes = DEFAULT_BLOCK_BYTES): number {
  return Math.max(1, Math.floor(blockBytes / 4 / Math.max(1, rowLength(shape))));
}

/** Rows [rowStart, rowEnd) as f32; entries without readRowsF32 are read whole and sliced. */
export async function readRows(entry: TensorEntry, rowStart: number, rowEnd: number, file = ''): Promise<Float32Array> {
  if (entry.readRowsF32) return entry.readRowsF32(rowStart, rowEnd);
  if (elementCount(entry.shape) > MAX_ELEMENTS) {
    throw new DataFileError(
      file,
      `shape [${entry.shape}] is too large to read whole and this format cannot be read by rows`,
      { key: entry.key || undefined },
    );
  }
  const len = rowLength(entry.shape);
  return (await entry.readF32()).slice(rowStart * len, rowEnd * len);
}

/** Yields consecutive row blocks covering [rowStart, rowEnd) (the whole first axis by default). */
export async function* rowBlocks(
  entry: TensorEntry,
  options: { rowsPerBlock?: number; rowStart?: number; rowEnd?: number; file?: string } = {},
): AsyncGenerator<RowBlock> {
  const rows = entry.shape.length === 0 ? 1 : entry.shape[0];
  const start = options.rowStart ?? 0;
  const end = options.rowEnd ?? rows;
  const step = Math.max(1, options.rowsPerBlock ?? rowsPerBlock(entry.shape));
  if (!entry.readRowsF32) {
    // One whole read, handed out by blocks: the only way for formats decoded as a unit.
    const all = await readRows(entry, start, end, options.file);
    const len = rowLength(entry.shape);
    for (let r = start; r < end; r += step) {
      const e = Math.min(end, r + step);
      yield { rowStart: r, rowEnd: e, values: all.subarray((r - start) * len, (e - start) * len) };
    }
    return;
  }
  for (let r = start; r < end; r += step) {
    const e = Math.min(end, r + step);
    yield { rowStart: r, rowEnd: e, values: await entry.readRowsF32(r, e) };
  }
}
