// numpy .npy reader (format versions 1-3): parses the header, then streams values in slices to f32.
// The header is a Python dict literal; it is parsed as data, never evaluated.

import type { ByteSource } from './byte-source';
import { DataFileError } from './errors';
import { decodeToF32, DTYPE_BYTES, type DType } from './dtype';
import { elementCount, type TensorEntry } from './tensor-entry';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Slices small enough that a multi-GB file never needs a second full copy on the heap. */
export const READ_SLICE_BYTES = 32 << 20;
/** Largest tensor materialised as one Float32Array (4 GiB of f32); bigger ones must be streamed by rows. */
export const MAX_ELEMENTS = 2 ** 30;

const DESCR_TO_DTYPE: Record<string, DType> = {
  b1: 'bool', u1: 'u8', i1: 'i8', u2: 'u16', i2: 'i16', u4: 'u32', i4: 'i32', u8: 'u64', i8: 'i64',
  f2: 'f16', f4: 'f32', f8: 'f64',
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
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => {
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
  if (count > MAX_ELEMENTS) {
    throw new DataFileError(source.name, `shape [${shape}] has ${count} elements, more than the ${MAX_ELEMENTS} that fit in one array`, { ...where, offset: 8 });
  }
  if (need > source.size) {
    throw new DataFileError(source.name,
      `truncated: shape [${shape}] of ${dtype} needs ${need} bytes but the file has ${source.size}`,
      { ...where, offset: source.size });
  }
  return {
    key, dtype, shape,
    readF32: async (onProgress) => {
      const out = new Float32Array(count);
      const target = header.fortranOrder && shape.length > 1 ? new Float32Array(count) : out;
      const totalBytes = count * itemBytes;
      const sliceElems = Math.max(1, Math.floor(READ_SLICE_BYTES / itemBytes));
      for (let first = 0; first < count; first += sliceElems) {
        const n = Math.min(sliceElems, count - first);
        const bytes = await source.read(dataOffset + first * itemBytes, n * itemBytes);
        if (bytes.length < n * itemBytes) {
          throw new DataFileError(source.name, 'file ended while reading values', { ...where, offset: dataOffset + first * itemBytes + bytes.length });
        }
        decodeToF32(bytes, dtype, header.littleEndian, n, target, first);
        onProgress?.((first + n) * itemBytes, totalBytes);
      }
      if (target !== out) fortranToC(target, shape, out);
      return out;
    },
  };
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
  for (let d = rank - 1; d >= 0; d--) { cStrides[d] = s; s *= shape[d]; }
  const idx = new Array<number>(rank).fill(0);
  for (let f = 0; f < src.length; f++) {
    let c = 0;
    for (let d = 0; d < rank; d++) c += idx[d] * cStrides[d];
    dst[c] = src[f];
    for (let d = 0; d < rank; d++) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
  }
}
