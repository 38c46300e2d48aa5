// numpy .npy reader (format versions 1-3): parses the header, then streams values in slices to f32.
// The header is a Python dict literal; it is parsed as data, never evaluated.

import type { ByteSource } from './byte-source';
import { DataFileError } from './errors';
import { decodeToF32, DTYPE_BYTES, type DType } from './dtype';
import { elementCount, type TensorEntry } from './tensor-entry';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Slices small enough that a multi-GB file never needs a second full copy on the heap. */
export const READ_SLICE_BYTES = 32 << 20;
/** Largest tensor materialised as one Float32Array (4 GiB of f32); bigger ones must be streamed by rows (readRowsF32). */
export const MAX_ELEMENTS = 2 ** 30;

const DESCR_TO_DTYPE: Record<string, DType> = {
  b1: 'bool',
  u1: 'u8',
  i1: 'i8',
  u2: 'u16',
  i2: 'i16',
  u4: 'u32',
  i4: 'i32',
  u8: 'u64',
  i8: 'i64',
  f2: 'f16',
  f4: 'f32',
  f8: 'f64',
};

export interface NpyHeader {
  dtype: DType;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the first value. */
  dataOffset: number;
}

export function parseNpyHeader(bytes: Uint8Array, file: string, key?: string): NpyHeader {
  const fail = (problem: string, offset: number) => new DataFileError(file, problem, { key, offset });
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw fail('not a .npy file (missing the \\x93NUMPY magic string)', 0);
  }
  const major = bytes[6];
  if (major < 1 || major > 3) throw fail(`unsupported .npy format version ${major}.${bytes[7]}`, 6);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw fail('file ends inside the header length field', 8);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + headerLen > bytes.length) {
    throw fail(`header length field says ${headerLen} bytes but the file ends at byte ${bytes.length}`, 8);
  }
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw fail(`header is not a numpy header dict: ${JSON.stringify(text.slice(0, 120))}`, start);
  }
  const order = descr[0];
  const dtype = DESCR_TO_DTYPE[descr.slice(1)];
  if (!dtype || !'<>|='.includes(order)) {
    throw fail(`unsupported dtype '${descr}' (supported: bool, int8-64, uint8-64, float16/32/64)`, start);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^\d+$/.test(s)) throw fail(`shape entry '${s}' is not a non-negative integer`, start);
      return Number(s);
    });
  return {
    dtype,
    littleEndian: order !== '>',
    fortranOrder: fortran === 'True',
    shape,
    dataOffset: start + headerLen,
  };
}

/** Opens a .npy file: reads only its header now; values are read by the entry's readF32. */
export async function openNpy(source: ByteSource, key = ''): Promise<TensorEntry> {
  const head = await source.read(0, Math.min(source.size, 65536 + 12));
  const header = parseNpyHeader(head, source.name, key || undefined);
  return npyEntry(source, header, key);
}

export function npyEntry(source: ByteSource, header: NpyHeader, key: string): TensorEntry {
  const { dtype, shape, dataOffset } = header;
  const count = elementCount(shape);
  const itemBytes = DTYPE_BYTES[dtype];
  const need = dataOffset + count * itemBytes;
  const where = { key: key || undefined };
  if (need > source.size) {
    throw new DataFileError(
      source.name,
      `truncated: shape [${shape}] (${count} elements) of ${dtype} needs ${need} bytes but the file has ${source.size}`,
      { ...where, offset: source.size },
    );
  }
  const rows = shape.length === 0 ? 1 : shape[0];
  const rowLen = shape.length <= 1 ? 1 : count / rows;
  const fortran = header.fortranOrder && shape.length > 1;
  const sliceElems = Math.max(1, Math.floor(READ_SLICE_BYTES / itemBytes));
  /** Decodes `n` contiguous elements from element `first` of the data into target[at...], in slices. */
  const readRun = async (first: number, n: number, target: Float32Array, at: number) => {
    for (let done = 0; done < n; done += sliceElems) {
      const k = Math.min(sliceElems, n - done);
      const offset = dataOffset + (first + done) * itemBytes;
      const bytes = await source.read(offset, k * itemBytes);
      if (bytes.length < k * itemBytes) {
        throw new DataFileError(source.name, 'file ended while reading values', {
          ...where,
          offset: offset + bytes.length,
        });
      }
      decodeToF32(bytes, dtype, header.littleEndian, k, target, at + done);
    }
  };
  return {
    key,
    dtype,
    shape,
    readF32: async (onProgress) => {
      if (count > MAX_ELEMENTS) throw tooLargeError(source.name, key, shape, count);
      const out = new Float32Array(count);
      const target = fortran ? new Float32Array(count) : out;
      const totalBytes = count * itemBytes;
      for (let first = 0; first < count; first += sliceElems) {
        const n = Math.min(sliceElems, count - first);
        await readRun(first, n, target, first);
        onProgress?.((first + n) * itemBytes, totalBytes);
      }
      if (target !== out) fortranToC(target, shape, out);
      return out;
    },
    readRowsF32: async (rowStart, rowEnd) => {
      if (!(
        Number.isInteger(rowStart) &&
        Number.isInteger(rowEnd) &&
        rowStart >= 0 &&
        rowStart <= rowEnd &&
        rowEnd <= rows
      )) {
        throw new DataFileError(source.name, `invalid row range [${rowStart}, ${rowEnd}) for shape [${shape}]`, where);
      }
      const n = rowEnd - rowStart;
      if (n * rowLen > MAX_ELEMENTS) throw tooLargeError(source.name, key, [n, ...shape.slice(1)], n * rowLen);
      const out = new Float32Array(n * rowLen);
      if (!fortran) {
        await readRun(rowStart * rowLen, n * rowLen, out, 0);
        return out;
      }
      await readFortranRows(readRun, shape, rowStart, n, out, sliceElems);
      return out;
    },
  };
}

function tooLargeError(file: string, key: string, shape: readonly number[], count: number): DataFileError {
  return new DataFileError(
    file,
    `shape [${shape}] has ${count} elements, more than the ${MAX_ELEMENTS} that fit in one array; read it by row blocks (readRowsF32) instead`,
    { key: key || undefined, offset: 8 },
  );
}

/**
 * Rows [rowStart, rowStart + n) of a column-major array: each "column" (an index over the other dims) holds its
 * n values contiguously, so a block is one run per column, scattered to row-major positions. When the block
 * covers most rows, runs of adjacent columns are fetched in one read to avoid many small reads.
 */
async function readFortranRows(
  readRun: (first: number, n: number, target: Float32Array, at: number) => Promise<void>,
  shape: readonly number[],
  rowStart: number,
  n: number,
  out: Float32Array,
  sliceElems: number,
): Promise<void> {
  const rows = shape[0];
  const rest = shape.slice(1);
  const restCount = rest.reduce((a, b) => a * b, 1);
  // C-order position of each Fortran-order column index over the other dims.
  const cIndex = new Int32Array(restCount);
  const cStrides = new Array<number>(rest.length);
  for (let d = rest.length - 1, s = 1; d >= 0; d--) {
    cStrides[d] = s;
    s *= rest[d];
  }
  const idx = new Array<number>(rest.length).fill(0);
  for (let f = 0; f < restCount; f++) {
    let c = 0;
    for (let d = 0; d < rest.length; d++) c += idx[d] * cStrides[d];
    cIndex[f] = c;
    for (let d = 0; d < rest.length; d++) {
      if (++idx[d] < rest[d]) break;
      idx[d] = 0;
    }
  }
  const dense = n * 2 >= rows;
  const colsPerRead = dense ? Math.max(1, Math.floor(sliceElems / rows)) : 1;
  let buf = new Float32Array(0);
  for (let c0 = 0; c0 < restCount; c0 += colsPerRead) {
    const c1 = Math.min(restCount, c0 + colsPerRead);
    const span = (c1 - 1 - c0) * rows + n;
    if (buf.length < span) buf = new Float32Array(span);
    await readRun(c0 * rows + rowStart, span, buf, 0);
    for (let c = c0; c < c1; c++) {
      const base = (c - c0) * rows;
      const col = cIndex[c];
      for (let i = 0; i < n; i++) out[i * restCount + col] = buf[base + i];
    }
  }
}

/** Reorders column-major values into row-major order. */
export function fortranToC(src: Float32Array, shape: readonly number[], dst: Float32Array): void {
  const rank = shape.length;
  if (rank === 2) {
    const [rows, cols] = shape;
    for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) dst[i * cols + j] = src[j * rows + i];
    return;
  }
  const cStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    cStrides[d] = s;
    s *= shape[d];
  }
  const idx = new Array<number>(rank).fill(0);
  for (let f = 0; f < src.length; f++) {
    let c = 0;
    for (let d = 0; d < rank; d++) c += idx[d] * cStrides[d];
    dst[c] = src[f];
    for (let d = 0; d < rank; d++) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}
