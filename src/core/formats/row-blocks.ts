// Streams a tensor by blocks of rows along its first axis, so a multi-gigabyte activation file is consumed a block
// at a time (bounded memory) rather than materialised. Falls back to one whole read for entries without row reads.
// The number of blocks is bounded by the values read: rows with no values (a shape like [2^53 - 1, 0]) are one block.

import { budgetHint, DEFAULT_BUDGETS } from './budgets';
import { DataFileError } from './errors';
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

/** Rows per block so that a block holds about `blockBytes` of f32 (at least one row; every row when rows are empty). */
export function rowsPerBlock(shape: readonly number[], blockBytes = DEFAULT_BLOCK_BYTES): number {
  const len = rowLength(shape);
  if (len === 0) return Math.max(1, shape[0] ?? 1);
  return Math.max(1, Math.floor(blockBytes / 4 / len));
}

/** Rows [rowStart, rowEnd) as f32; entries without readRowsF32 are read whole and sliced. */
export async function readRows(
  entry: TensorEntry,
  rowStart: number,
  rowEnd: number,
  file = '',
  maxElements = DEFAULT_BUDGETS.tensorElements,
): Promise<Float32Array> {
  if (entry.readRowsF32) return entry.readRowsF32(rowStart, rowEnd);
  if (elementCount(entry.shape) > maxElements) {
    throw new DataFileError(
      file,
      `shape [${entry.shape}] is too large to read whole and this format cannot be read by rows (${budgetHint('tensorElements', maxElements)})`,
      { key: entry.key || undefined },
    );
  }
  const len = rowLength(entry.shape);
  return (await entry.readF32()).slice(rowStart * len, rowEnd * len);
}

/** Yields consecutive row blocks covering [rowStart, rowEnd) (the whole first axis by default). */
export async function* rowBlocks(
  entry: TensorEntry,
  options: { rowsPerBlock?: number; rowStart?: number; rowEnd?: number; file?: string; maxElements?: number } = {},
): AsyncGenerator<RowBlock> {
  const rows = entry.shape.length === 0 ? 1 : entry.shape[0];
  const start = options.rowStart ?? 0;
  const end = options.rowEnd ?? rows;
  const len = rowLength(entry.shape);
  // Empty rows cost nothing to hand out, however many there are: one block.
  const step = len === 0 ? Math.max(1, end - start) : Math.max(1, options.rowsPerBlock ?? rowsPerBlock(entry.shape));
  const maxElements = options.maxElements ?? DEFAULT_BUDGETS.tensorElements;
  const whole = !entry.readRowsF32 || (entry.wholeReadsPreferred && (end - start) * len <= maxElements);
  if (whole) {
    // One read, handed out by blocks: formats decoded as a unit, or whose row reads each cost a whole pass.
    const all = entry.readRowsF32
      ? await entry.readRowsF32(start, end)
      : await readRows(entry, start, end, options.file, maxElements);
    for (let r = start; r < end; r += step) {
      const e = Math.min(end, r + step);
      yield { rowStart: r, rowEnd: e, values: all.subarray((r - start) * len, (e - start) * len) };
    }
    return;
  }
  for (let r = start; r < end; r += step) {
    const e = Math.min(end, r + step);
    yield { rowStart: r, rowEnd: e, values: await entry.readRowsF32!(r, e) };
  }
}
