// numpy .npy reader (format versions 1-3): parses the header, then streams values in slices to f32.
// The header is a Python dict literal; it is parsed by its grammar as data (never evaluated), with numpy's rules:
// a repeated key takes its last value, and the keys must be exactly 'descr', 'fortran_order' and 'shape'.

import type { ByteSource } from './byte-source';
import { budgetHint, DEFAULT_BUDGETS, type FormatBudgets } from './budgets';
import { DataFileError } from './errors';
import { decodeToF32, DTYPE_BYTES, type DType } from './dtype';
import { parsePyLiteral, PyLiteralDict, PyLiteralError, PyLiteralTuple, type PyLiteral } from './py-literal';
import { allocF32, checkShape, elementCount, type TensorEntry } from './tensor-entry';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Slices small enough that a multi-GB file never needs a second full copy on the heap. */
export const READ_SLICE_BYTES = 32 << 20;
/** Typed arrays use the platform's byte order; every engine that runs the app is little-endian, but check. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

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

/** Reads and parses the header at the start of `source` (reading only the header's bytes). */
export async function readNpyHeader(
  source: ByteSource,
  key?: string,
  budgets: FormatBudgets = DEFAULT_BUDGETS,
): Promise<NpyHeader> {
  const file = source.name;
  const fail = (problem: string, offset: number) => new DataFileError(file, problem, { key, offset });
  const pre = await source.read(0, Math.min(source.size, 12));
  if (pre.length < 8 || MAGIC.some((b, i) => pre[i] !== b)) {
    throw fail('not a .npy file (missing the \\x93NUMPY magic string)', 0);
  }
  const major = pre[6];
  if (major < 1 || major > 3) throw fail(`unsupported .npy format version ${major}.${pre[7]}`, 6);
  const lenBytes = major === 1 ? 2 : 4;
  if (pre.length < 8 + lenBytes) {
    throw fail(`file ends inside the header length field (the file ends at byte ${source.size})`, source.size);
  }
  const view = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (headerLen > budgets.headerBytes) {
    throw fail(`header length field says ${headerLen} bytes (${budgetHint('headerBytes', budgets.headerBytes)})`, 8);
  }
  if (start + headerLen > source.size) {
    throw fail(`header length field says ${headerLen} bytes but the file ends at byte ${source.size}`, 8);
  }
  const bytes = await source.read(start, headerLen);
  if (bytes.length < headerLen) throw fail(`file ends at byte ${start + bytes.length}, inside the header`, start);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes);
  return parseNpyHeaderText(text, start, start + headerLen, file, key);
}

/** The header dict's text (bytes [start, end) of the file) as numpy reads it. */
export function parseNpyHeaderText(text: string, start: number, end: number, file: string, key?: string): NpyHeader {
  const fail = (problem: string, offset = start) => new DataFileError(file, problem, { key, offset });
  let value: PyLiteral;
  try {
    value = parsePyLiteral(text);
  } catch (e) {
    if (!(e instanceof PyLiteralError)) throw e;
    // Character and byte positions agree for latin1 headers (v1, v2) and for ASCII ones (every real v3 header).
    throw fail(
      `header is not a numpy header dict (not a Python literal: ${e.message}) near ${JSON.stringify(text.slice(e.at, e.at + 24))}`,
      start + e.at,
    );
  }
  if (!(value instanceof PyLiteralDict)) throw fail('header is not a numpy header dict');
  const get = (name: string) => value.entries.get(`s${name}`)?.[1];
  const names = [...value.entries.values()].map(([k]) => (typeof k === 'string' ? `'${k}'` : String(k)));
  if (value.entries.size !== 3 || [get('descr'), get('fortran_order'), get('shape')].includes(undefined)) {
    throw fail(
      `header keys are ${names.slice(0, 6).join(', ') || 'none'}; numpy needs exactly 'descr', 'fortran_order' and 'shape'`,
    );
  }
  const descr = get('descr');
  const fortran = get('fortran_order');
  const shapeV = get('shape');
  if (typeof descr !== 'string') {
    throw fail('unsupported dtype: structured and sub-array dtypes (a list descr) are not read');
  }
  const m = /^([<>|=]?)([a-z]\d+)$/.exec(descr);
  const dtype = m ? DESCR_TO_DTYPE[m[2]] : undefined;
  if (!m || !dtype) {
    throw fail(`unsupported dtype '${descr.slice(0, 40)}' (supported: bool, int8-64, uint8-64, float16/32/64)`);
  }
  if (typeof fortran !== 'boolean') throw fail("'fortran_order' must be True or False");
  if (!(shapeV instanceof PyLiteralTuple)) throw fail("'shape' must be a tuple of integers");
  const shape = shapeV.items.map((d) => {
    if (typeof d !== 'bigint' || d < 0n || d > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw fail(`shape entry ${typeof d === 'bigint' ? d : JSON.stringify(d)} is not a non-negative integer`);
    }
    return Number(d);
  });
  checkShape(shape, (problem) => fail(problem));
  return {
    dtype,
    // '=' is native order, little-endian on every machine this runs on.
    littleEndian: m[1] !== '>',
    fortranOrder: fortran,
    shape,
    dataOffset: end,
  };
}

/** Opens a .npy file: reads only its header now; values are read by the entry's readF32. */
export async function openNpy(
  source: ByteSource,
  key = '',
  budgets: FormatBudgets = DEFAULT_BUDGETS,
): Promise<TensorEntry> {
  const header = await readNpyHeader(source, key || undefined, budgets);
  return npyEntry(source, header, key, budgets);
}

export function npyEntry(
  source: ByteSource,
  header: NpyHeader,
  key: string,
  budgets: FormatBudgets = DEFAULT_BUDGETS,
): TensorEntry {
  const count = elementCount(header.shape);
  const need = header.dataOffset + count * DTYPE_BYTES[header.dtype];
  if (need > source.size) {
    throw new DataFileError(
      source.name,
      `truncated: shape [${header.shape}] (${count} elements) of ${header.dtype} needs ${need} bytes but the file has ${source.size}`,
      { key: key || undefined, offset: source.size },
    );
  }
  return new NpyTensor(source, header, key, budgets.tensorElements);
}

/**
 * A contiguous tensor (C or Fortran order) at a known offset of a source. A class, not closures: a safetensors
 * header may describe hundreds of thousands of these, and each costs only its fields.
 */
class NpyTensor implements TensorEntry {
  readonly dtype: DType;
  readonly shape: number[];

  constructor(
    private readonly source: ByteSource,
    private readonly header: NpyHeader,
    readonly key: string,
    private readonly limit: number,
  ) {
    this.dtype = header.dtype;
    this.shape = header.shape;
  }

  private get rowLen(): number {
    return this.shape.length <= 1 ? 1 : elementCount(this.shape.slice(1));
  }

  /** Decodes `n` contiguous elements from element `first` of the data into target[at...], in slices. */
  private async readRun(first: number, n: number, target: Float32Array, at: number): Promise<void> {
    const { source, header } = this;
    const itemBytes = DTYPE_BYTES[this.dtype];
    const sliceElems = Math.max(1, Math.floor(READ_SLICE_BYTES / itemBytes));
    // Raw little-endian f32: the file's bytes go straight into the destination, one copy.
    if (this.dtype === 'f32' && header.littleEndian && LITTLE_ENDIAN_HOST && source.readInto) {
      for (let done = 0; done < n; done += sliceElems) {
        const k = Math.min(sliceElems, n - done);
        const offset = header.dataOffset + (first + done) * 4;
        const into = new Uint8Array(target.buffer, target.byteOffset + (at + done) * 4, k * 4);
        const got = await source.readInto(offset, into);
        if (got < k * 4) {
          throw new DataFileError(source.name, `file ended at byte ${offset + got} while reading values`, {
            key: this.key || undefined,
            offset: offset + got,
          });
        }
      }
      return;
    }
    for (let done = 0; done < n; done += sliceElems) {
      const k = Math.min(sliceElems, n - done);
      const offset = header.dataOffset + (first + done) * itemBytes;
      const bytes = await source.read(offset, k * itemBytes);
      if (bytes.length < k * itemBytes) {
        throw new DataFileError(source.name, `file ended at byte ${offset + bytes.length} while reading values`, {
          key: this.key || undefined,
          offset: offset + bytes.length,
        });
      }
      decodeToF32(bytes, this.dtype, header.littleEndian, k, target, at + done);
    }
  }

  private async readRows(
    rowStart: number,
    rowEnd: number,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Float32Array> {
    const { shape, key, limit } = this;
    const rowLen = this.rowLen;
    const n = rowEnd - rowStart;
    if (n * rowLen > limit) throw tooLargeError(this.source.name, key, [n, ...shape.slice(1)], n * rowLen, limit);
    const out = allocF32(n * rowLen, this.source.name, key);
    if (out.length === 0) return out;
    const itemBytes = DTYPE_BYTES[this.dtype];
    const sliceElems = Math.max(1, Math.floor(READ_SLICE_BYTES / itemBytes));
    const readRun = (first: number, k: number, target: Float32Array, at: number) => this.readRun(first, k, target, at);
    if (this.header.fortranOrder && shape.length > 1) {
      await readFortranRows(readRun, shape, rowStart, n, out, sliceElems, onProgress);
      return out;
    }
    const total = out.length * itemBytes;
    for (let first = 0; first < out.length; first += sliceElems) {
      const k = Math.min(sliceElems, out.length - first);
      await readRun(rowStart * rowLen + first, k, out, first);
      onProgress?.((first + k) * itemBytes, total);
    }
    return out;
  }

  async readF32(onProgress?: (bytesDone: number, bytesTotal: number) => void): Promise<Float32Array> {
    const count = elementCount(this.shape);
    if (count > this.limit) throw tooLargeError(this.source.name, this.key, this.shape, count, this.limit);
    return this.readRows(0, this.shape.length === 0 ? 1 : this.shape[0], onProgress);
  }

  async readRowsF32(rowStart: number, rowEnd: number): Promise<Float32Array> {
    checkRowRange(rowStart, rowEnd, this.shape, this.source.name, this.key);
    return this.readRows(rowStart, rowEnd);
  }
}

/** The row range check every readRowsF32 makes. */
export function checkRowRange(rowStart: number, rowEnd: number, shape: readonly number[], file: string, key: string) {
  const rows = shape.length === 0 ? 1 : shape[0];
  if (!(
    Number.isInteger(rowStart) &&
    Number.isInteger(rowEnd) &&
    rowStart >= 0 &&
    rowStart <= rowEnd &&
    rowEnd <= rows
  )) {
    throw new DataFileError(file, `invalid row range [${rowStart}, ${rowEnd}) for shape [${shape}]`, {
      key: key || undefined,
    });
  }
}

export function tooLargeError(
  file: string,
  key: string,
  shape: readonly number[],
  count: number,
  limit: number,
): DataFileError {
  return new DataFileError(
    file,
    `shape [${shape}] has ${count} elements, more than the ${limit} that fit in one array; read it by row blocks (readRowsF32) instead (${budgetHint('tensorElements', limit)})`,
    { key: key || undefined },
  );
}

/** Rows and columns of the square tiles a column-major block is scattered in (cache-sized on both sides). */
const TILE = 64;

/**
 * Rows [rowStart, rowStart + n) of a column-major array: each "column" (an index over the other dims) holds its
 * n values contiguously, so a block is one run per column, scattered to row-major positions in tiles (so neither
 * the reads nor the writes stride through memory). When the block covers most rows, runs of adjacent columns are
 * fetched in one read to avoid many small reads.
 */
async function readFortranRows(
  readRun: (first: number, n: number, target: Float32Array, at: number) => Promise<void>,
  shape: readonly number[],
  rowStart: number,
  n: number,
  out: Float32Array,
  sliceElems: number,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const rows = shape[0];
  const rest = shape.slice(1);
  const restCount = elementCount(rest);
  // For a matrix a column's C position is its index; only higher ranks need the table (as large as a row).
  const cIndex = rest.length === 1 ? null : fortranColumnPositions(rest);
  const dense = n * 2 >= rows;
  const colsPerRead = dense ? Math.max(1, Math.floor(sliceElems / rows)) : 1;
  let buf = new Float32Array(0);
  for (let c0 = 0; c0 < restCount; c0 += colsPerRead) {
    const c1 = Math.min(restCount, c0 + colsPerRead);
    const span = (c1 - 1 - c0) * rows + n;
    if (buf.length < span) buf = new Float32Array(span);
    await readRun(c0 * rows + rowStart, span, buf, 0);
    for (let t0 = 0; t0 < n; t0 += TILE) {
      const t1 = Math.min(n, t0 + TILE);
      for (let k0 = c0; k0 < c1; k0 += TILE) {
        const k1 = Math.min(c1, k0 + TILE);
        for (let i = t0; i < t1; i++) {
          const o = i * restCount;
          if (cIndex) for (let c = k0; c < k1; c++) out[o + cIndex[c]] = buf[(c - c0) * rows + i];
          else for (let c = k0; c < k1; c++) out[o + c] = buf[(c - c0) * rows + i];
        }
      }
    }
    onProgress?.(c1 * n * 4, restCount * n * 4);
  }
}

/** C-order position (within a row) of each column-major index over the trailing dims. */
function fortranColumnPositions(rest: readonly number[]): Int32Array | Float64Array {
  const restCount = elementCount(rest);
  const cIndex = restCount < 2 ** 31 ? new Int32Array(restCount) : new Float64Array(restCount);
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
  return cIndex;
}
