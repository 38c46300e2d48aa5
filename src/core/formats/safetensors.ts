// .safetensors reader: an 8-byte header length, a JSON header of {name: {dtype, shape, data_offsets}}, then raw
// little-endian data. Opening reads only the header; each tensor's readF32 touches only that tensor's bytes. The
// header is parsed member by member (depth-limited, never a call-stack overflow) into compact descriptions, and
// the number of tensors is budgeted, so a header listing a million tensors is refused before it costs gigabytes.

import type { ByteSource } from './byte-source';
import { budgetHint, DEFAULT_BUDGETS, type FormatBudgets } from './budgets';
import { DataFileError } from './errors';
import { DTYPE_BYTES, type DType } from './dtype';
import { isPlainObject, parseJson, type JsonValue } from './json';
import { npyEntry } from './npy';
import { checkShape, elementCount, type TensorEntry } from './tensor-entry';

const DTYPES: Record<string, DType> = {
  BOOL: 'bool',
  U8: 'u8',
  I8: 'i8',
  U16: 'u16',
  I16: 'i16',
  U32: 'u32',
  I32: 'i32',
  U64: 'u64',
  I64: 'i64',
  F16: 'f16',
  BF16: 'bf16',
  F32: 'f32',
  F64: 'f64',
};

export interface SafetensorsFile {
  tensors: TensorEntry[];
  /** The header's `__metadata__` (string to string), empty when absent. */
  metadata: Record<string, string>;
  /** Byte offset where the data section starts (8 + header length). */
  dataStart: number;
}

interface Described {
  key: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** A short, safe rendering of a header value for messages. */
function show(v: JsonValue | undefined): string {
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return v.length > 8 ? `a list of ${v.length}` : `[${v.map((x) => show(x)).join(', ')}]`;
  if (isPlainObject(v)) return 'an object';
  return JSON.stringify(v).slice(0, 40);
}

export async function openSafetensors(
  source: ByteSource,
  budgets: FormatBudgets = DEFAULT_BUDGETS,
): Promise<SafetensorsFile> {
  const file = source.name;
  const lenBytes = await source.read(0, 8);
  if (lenBytes.length < 8)
    throw new DataFileError(file, 'file is shorter than the 8-byte safetensors header length', { offset: 0 });
  const headerLen = new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLen > BigInt(budgets.headerBytes)) {
    throw new DataFileError(
      file,
      `header length field says ${headerLen} bytes (${budgetHint('headerBytes', budgets.headerBytes)})`,
      { offset: 0 },
    );
  }
  if (headerLen > BigInt(source.size - 8)) {
    throw new DataFileError(
      file,
      `header length field says ${headerLen} bytes but the file ends at byte ${source.size}`,
      { offset: 0 },
    );
  }
  const n = Number(headerLen);
  const dataStart = 8 + n;
  const dataLen = source.size - dataStart;
  const headerBytes = await source.read(8, n);
  if (headerBytes.length < n)
    throw new DataFileError(file, `file ends at byte ${8 + headerBytes.length}, inside the JSON header`, {
      offset: 8 + headerBytes.length,
    });
  const metadata: Record<string, string> = {};
  const described: Described[] = [];
  const seen = new Set<string>();
  const member = (key: string, value: JsonValue, at: number) => {
    const fail = (problem: string, offset = at) => new DataFileError(file, problem, { key, offset });
    if (seen.has(key)) throw fail('the header names this key twice');
    seen.add(key);
    if (key === '__metadata__') {
      if (!isPlainObject(value)) throw fail('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') throw fail(`__metadata__ value for '${k.slice(0, 60)}' is not a string`);
        metadata[k] = v;
      }
      return;
    }
    if (described.length >= budgets.tensors) {
      throw fail(`the header lists more than ${budgets.tensors} tensors (${budgetHint('tensors', budgets.tensors)})`);
    }
    if (!isPlainObject(value)) throw fail('tensor description is not an object');
    const { dtype: dtypeName, shape, data_offsets: offsets } = value;
    const dtype = typeof dtypeName === 'string' ? DTYPES[dtypeName] : undefined;
    if (!dtype) {
      throw fail(`unsupported dtype ${show(dtypeName)} (supported: ${Object.keys(DTYPES).join(', ')})`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      throw fail(`shape ${show(shape)} is not a list of non-negative integers`);
    }
    checkShape(shape, (problem) => fail(problem));
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)
    ) {
      throw fail(`data_offsets ${show(offsets)} is not a pair of non-negative integers`);
    }
    const [begin, end] = offsets as number[];
    const abs = dataStart + begin;
    if (end < begin) throw fail(`data_offsets [${begin}, ${end}] end before they begin`, abs);
    if (end > dataLen)
      throw fail(`data_offsets [${begin}, ${end}] run past the end of the data (${dataLen} bytes)`, abs);
    const need = elementCount(shape as number[]) * DTYPE_BYTES[dtype];
    if (end - begin !== need) {
      throw fail(`data_offsets span ${end - begin} bytes but shape [${shape}] of ${dtypeName} needs ${need}`, abs);
    }
    // Tensors above the tensorElements budget open fine: readF32 refuses them, readRowsF32 streams them.
    // Writers lay tensors out by decreasing alignment, so each starts at a multiple of its element size within the
    // data section. A file that breaks this was not written by safetensors; refuse it rather than guess.
    if (begin % DTYPE_BYTES[dtype] !== 0) {
      throw fail(
        `tensor data at offset ${begin} is misaligned for ${dtypeName} (${DTYPE_BYTES[dtype]}-byte elements)`,
        abs,
      );
    }
    described.push({ key, dtype, shape: shape as number[], begin, end });
  };
  let header: JsonValue;
  try {
    header = parseJson(headerBytes, { file, baseOffset: 8, maxDepth: budgets.depth, onMember: member });
  } catch (e) {
    if (e instanceof DataFileError && e.where.key === undefined)
      throw new DataFileError(file, `header is not valid JSON: ${e.problem}`, e.where);
    throw e;
  }
  if (!isPlainObject(header)) throw new DataFileError(file, 'header is not a JSON object', { offset: 8 });
  // Tensors may not share bytes; sorting by start makes overlap a neighbour check.
  const byStart = described.filter((d) => d.end > d.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byStart.length; i++) {
    const prev = byStart[i - 1];
    const cur = byStart[i];
    if (cur.begin < prev.end) {
      throw new DataFileError(
        file,
        `tensor bytes [${cur.begin}, ${cur.end}) overlap '${prev.key.slice(0, 60)}' [${prev.begin}, ${prev.end})`,
        { key: cur.key, offset: dataStart + cur.begin },
      );
    }
  }
  // Values are read with the .npy reader's slice loop: same conversion, progress and truncation checks. (A header
  // whose length is not a multiple of 8 leaves data unaligned in the file; decodeToF32 handles that via DataView.)
  const tensors = described.map((d) =>
    npyEntry(
      source,
      { dtype: d.dtype, littleEndian: true, fortranOrder: false, shape: d.shape, dataOffset: dataStart + d.begin },
      d.key,
      budgets,
    ),
  );
  return { tensors, metadata, dataStart };
}
