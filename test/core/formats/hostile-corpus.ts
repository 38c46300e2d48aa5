// The hostile-file corpus: every file is generated here (nothing large is committed), each with what it attempts
// and what must happen — a typed DataFileError naming the file and where, or a correct read — and a bound on the
// bytes the readers may take from it. Run in Node (hostile-files.test.ts) and, for the `browser` subset, in
// Chromium (hostile-files.browser.test.ts), through the same openDataFile the worker and CLI use.
import { zipSync } from 'fflate';
import { expect } from 'vitest';
import { bytesSource, type ByteSource } from '../../../src/core/formats/byte-source';
import type { BudgetOverrides } from '../../../src/core/formats/budgets';
import { DataFileError } from '../../../src/core/formats/errors';
import { resolveBudgets } from '../../../src/core/formats/budgets';
import { openJsonSideFile } from '../../../src/core/formats/json-side-files';
import { openDataFile, type OpenedFile } from '../../../src/core/formats/open-file';
import { rowBlocks } from '../../../src/core/formats/row-blocks';
import { elementCount } from '../../../src/core/formats/tensor-entry';
import {
  ascii,
  bulkZip,
  concatBytes,
  countingSource,
  deflateZeros,
  filled,
  type CountedSource,
} from './hostile-writers';
import { makeNpy } from './npy-writer';
import { legacyTorchFile, PickleWriter } from './pickle-writer';
import { makeZip, makeZipSource } from './zip-writer';

export interface HostileCase {
  /** File name as dropped (the extension picks the reader where the bytes do not). */
  name: string;
  /** What the file attempts. */
  about: string;
  make: () => ByteSource | Promise<ByteSource>;
  expect: 'refused' | 'parsed';
  /** The refusal's message must match. */
  match?: RegExp;
  budgets?: BudgetOverrides;
  /** Most bytes the readers may take from the source (default: the file's size twice over, plus 1 MiB). */
  maxRead?: number;
  /** After opening: read every tensor whole (default), stream each by row blocks, or nothing. */
  read?: 'all' | 'blocks' | 'none' | ((f: OpenedFile) => Promise<void>);
  /** Checks on a parsed file (against what numpy/torch would read). */
  check?: (f: OpenedFile, source: CountedSource) => void | Promise<void>;
  /** Most row blocks a 'blocks' read may take (default 64): a scan must not loop over empty rows. */
  maxBlocks?: number;
  /** Part of the subset run in Chromium. */
  browser?: boolean;
}

export interface HostileOutcome {
  outcome: 'parsed' | 'refused' | 'crashed';
  error?: unknown;
  file?: OpenedFile;
  source: CountedSource;
  /** Row blocks handed out when reading by blocks. */
  blocks: number;
}

/** Opens (and reads) one case the way the worker does; never throws. */
export async function runHostile(c: HostileCase): Promise<HostileOutcome> {
  const source = countingSource(await c.make());
  let blocks = 0;
  try {
    // Split and class-name files are JSON, which the worker's store reads by name.
    let file: OpenedFile;
    if (c.name.endsWith('.json')) {
      await openJsonSideFile(source, resolveBudgets(c.budgets));
      file = { file: c.name, kind: 'table', tensors: [] };
    } else file = await openDataFile(source, c.budgets);
    try {
      const read = c.read ?? 'all';
      if (typeof read === 'function') await read(file);
      else if (read !== 'none') {
        for (const t of file.tensors) {
          if (read === 'all' && elementCount(t.shape) <= 2 ** 24) {
            const values = await t.readF32();
            if (values.length !== elementCount(t.shape)) throw new Error(`${t.key}: ${values.length} values`);
          } else {
            for await (const b of rowBlocks(t, { file: source.name })) {
              blocks++;
              void b;
            }
          }
        }
      }
      if (c.expect === 'parsed') await c.check?.(file, source);
    } finally {
      file.close?.();
    }
    return { outcome: 'parsed', file, source, blocks };
  } catch (e) {
    return { outcome: e instanceof DataFileError ? 'refused' : 'crashed', error: e, source, blocks };
  }
}

/** What every refusal must look like: typed, naming the file, short, saying where. */
export function expectGoodRefusal(c: HostileCase, error: unknown): void {
  expect(error, c.about).toBeInstanceOf(DataFileError);
  const e = error as DataFileError;
  expect(e.file).toBe(c.name);
  expect(e.message.startsWith(c.name)).toBe(true);
  expect(e.message.length, e.message.slice(0, 200)).toBeLessThanOrEqual(700);
  if (c.match) expect(e.message).toMatch(c.match);
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
/** A case's bytes, generated only when the case runs. */
const bytes = (name: string, b: () => Uint8Array) => () => bytesSource(name, b());

/** An .npy with a hand-written header dict (padded and sized as numpy writes it). */
function npyWithHeader(dict: string, body: Uint8Array, version: 1 | 2 = 1): Uint8Array {
  const lenBytes = version === 1 ? 2 : 4;
  const enc = ascii(dict);
  const total = Math.ceil((8 + lenBytes + enc.length + 1) / 64) * 64;
  const out = new Uint8Array(total + body.length).fill(0x20, 0, total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, total - 10, true);
  else dv.setUint32(8, total - 12, true);
  out.set(enc, 8 + lenBytes);
  out[total - 1] = 0x0a;
  out.set(body, total);
  return out;
}

function safetensors(header: string, data = new Uint8Array(0)): Uint8Array {
  const json = ascii(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** A torch.save zip around a data.pkl and its storages (stored, as torch writes them). */
function torchZip(pkl: Uint8Array, storages: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = { 'archive/data.pkl': [pkl, { level: 0 }] };
  for (const [k, v] of Object.entries(storages)) files[`archive/data/${k}`] = [v, { level: 0 }];
  files['archive/version'] = [ascii('3\n'), { level: 0 }];
  return zipSync(files);
}

/**
 * A pickle whose memo makes each level two references to the level below: 2^levels paths in a few bytes each. The
 * bottom level is empty, or holds one tensor of storage '0' (legacy: storage 'k').
 */
function doublingPickle(
  levels: number,
  kind: 'list' | 'dict' | 'tuple',
  bottom?: 'tensor' | 'legacy-tensor',
): PickleWriter {
  const w = new PickleWriter().proto();
  if (bottom) {
    w.emptyList();
    w.tensor({
      type: 'FloatStorage',
      key: bottom === 'legacy-tensor' ? 'k' : '0',
      numel: 1,
      offset: 0,
      size: [1],
      stride: [1],
      legacy: bottom === 'legacy-tensor',
    });
    w.append();
  } else if (kind === 'list') w.emptyList();
  else if (kind === 'dict') w.emptyDict();
  else w.emptyTuple();
  w.longBinput(0);
  for (let i = 1; i <= levels; i++) {
    // The level below stays reachable through the memo only.
    w.raw(0x30); // POP
    if (kind === 'list')
      w.emptyList()
        .mark()
        .raw(0x6a)
        .raw(...u32(i - 1))
        .raw(0x6a)
        .raw(...u32(i - 1))
        .appends();
    else if (kind === 'dict')
      w.emptyDict()
        .mark()
        .str('a')
        .raw(0x6a, ...u32(i - 1))
        .str('b')
        .raw(0x6a, ...u32(i - 1))
        .setitems();
    else
      w.raw(0x6a, ...u32(i - 1))
        .raw(0x6a, ...u32(i - 1))
        .raw(0x86); // TUPLE2
    w.longBinput(i);
  }
  return w;
}

const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

/** A legacy .pt whose object is built by `object` (and no storages). */
function legacyWith(object: (w: PickleWriter) => void): Uint8Array {
  return legacyTorchFile(object, []);
}

/** JSON text nested `depth` arrays deep. */
const deepArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** The corpus. Sizes are what the issue describes where that stays cheap to generate; some run only in Node. */
export function hostileCorpus(): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (c: HostileCase) => cases.push(c);

  // ---- .npy headers: a Python literal dict, read as numpy reads it ----
  add({
    name: 'dup-descr.npy',
    about: "a header naming 'descr' twice: numpy takes the last value, so must we",
    make: bytes('dup-descr.npy', () =>
      npyWithHeader(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'descr': '<i2', }",
        new Uint8Array(new Int16Array([7, -3]).buffer),
      ),
    ),
    expect: 'parsed',
    check: async (f) => {
      expect(f.tensors[0].dtype).toBe('i16');
      expect(Array.from(await f.tensors[0].readF32())).toEqual([7, -3]);
    },
    browser: true,
  });
  add({
    name: 'descr-in-string.npy',
    about: "'descr': … inside a string value, with no real 'descr' key",
    make: bytes('descr-in-string.npy', () =>
      npyWithHeader("{'fortran_order': False, 'shape': (2,), 'note': \"'descr': '<f4'\"}", f32([1, 2])),
    ),
    expect: 'refused',
    match: /numpy needs exactly 'descr', 'fortran_order' and 'shape'/,
    browser: true,
  });
  add({
    name: 'descr-shadow.npy',
    about: "a string value that looks like a later 'descr' entry must not be taken for one",
    make: bytes('descr-shadow.npy', () =>
      npyWithHeader(
        "{'shape': (2,), 'x': \"'descr': '<f8', \", 'fortran_order': False, 'descr': '<i2'}",
        new Uint8Array(4),
      ),
    ),
    expect: 'refused',
    match: /header keys are/,
  });
  add({
    name: 'code-in-header.npy',
    about: 'a header that is a call, not a literal',
    make: bytes('code-in-header.npy', () =>
      npyWithHeader("{'descr': __import__('os').system('x'), 'fortran_order': False, 'shape': (1,)}", f32([1])),
    ),
    expect: 'refused',
    match: /not a Python literal/,
    browser: true,
  });
  add({
    name: 'empty-rows.npy',
    about: 'shape (2^53 - 1, 0): no values, but 9e15 rows for a row-block scan to loop over',
    make: bytes('empty-rows.npy', () => makeNpy('<f4', [Number.MAX_SAFE_INTEGER, 0], new Uint8Array(0))),
    expect: 'parsed',
    read: 'blocks',
    check: (f) => expect(f.tensors[0].shape).toEqual([Number.MAX_SAFE_INTEGER, 0]),
    browser: true,
  });
  add({
    name: 'huge-header-len.npy',
    about: 'a v2 header length of 4 GB in a 64-byte file',
    make: () => {
      const b = makeNpy('<f4', [1], f32([1]), { version: 2 });
      new DataView(b.buffer).setUint32(8, 0xfffffff0, true);
      return bytesSource('huge-header-len.npy', b);
    },
    expect: 'refused',
    match: /header length field says 4294967280 bytes/,
    browser: true,
  });
  add({
    name: 'header-past-end.npy',
    about: 'a header length running past the end names the real end of the file',
    make: () => {
      const b = makeNpy('<f4', [1], f32([1])).subarray(0, 60);
      return bytesSource('header-past-end.npy', b);
    },
    expect: 'refused',
    match: /the file ends at byte 60/,
  });
  add({
    name: 'truncated-body.npy',
    about: 'values cut short: the error gives the byte where the file ends',
    make: bytes('truncated-body.npy', () => makeNpy('<f4', [1000], new Uint8Array(100))),
    expect: 'refused',
    match: /needs 4128 bytes but the file has 228 \(at byte offset 228\)/,
    browser: true,
  });
  add({
    name: 'huge-dims.npy',
    about: 'a shape of 2^40 x 2^40 in a tiny file',
    make: bytes('huge-dims.npy', () => makeNpy('<f4', [2 ** 40, 2 ** 40], new Uint8Array(16))),
    expect: 'refused',
    match: /truncated/,
  });
  add({
    name: 'rank-100.npy',
    about: 'a hundred dimensions of size 1',
    make: bytes('rank-100.npy', () => makeNpy('<f4', new Array(100).fill(1), f32([1]))),
    expect: 'refused',
    match: /100 dimensions/,
  });
  add({
    name: 'negative-dim.npy',
    about: 'a negative dimension',
    make: bytes('negative-dim.npy', () =>
      npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", f32([1])),
    ),
    expect: 'refused',
    match: /not a non-negative integer/,
  });
  add({
    name: 'long-header.npy',
    about: 'a 20 MB header: the message must not echo it',
    make: bytes('long-header.npy', () =>
      npyWithHeader(
        `{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'pad': '${'A'.repeat(20 << 20)}'}`,
        f32([1]),
        2,
      ),
    ),
    expect: 'refused',
    match: /header keys are/,
  });
  add({
    name: 'structured.npy',
    about: 'a structured dtype (a list descr)',
    make: bytes('structured.npy', () =>
      npyWithHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", f32([1])),
    ),
    expect: 'refused',
    match: /structured/,
  });
  add({
    name: 'fortran-rank3.npy',
    about: 'a valid column-major 3-D array reads as numpy reads it (row-major values)',
    make: () => {
      const [A, B, C] = [3, 4, 5];
      const body = new Float32Array(A * B * C);
      for (let i = 0; i < A; i++)
        for (let j = 0; j < B; j++) for (let k = 0; k < C; k++) body[i + A * (j + B * k)] = 100 * i + 10 * j + k;
      return bytesSource(
        'fortran-rank3.npy',
        makeNpy('<f4', [A, B, C], new Uint8Array(body.buffer), { fortran: true }),
      );
    },
    expect: 'parsed',
    check: async (f) => {
      const v = await f.tensors[0].readF32();
      expect(v[1 * 20 + 2 * 5 + 3]).toBe(123);
      expect(v[2 * 20 + 3 * 5 + 4]).toBe(234);
    },
    browser: true,
  });

  // ---- safetensors ----
  add({
    name: 'million.safetensors',
    about: 'a header listing a million tensors: refused by the tensors budget, without building a million objects',
    make: () => {
      const parts = ['{'];
      for (let i = 0; i < 1_000_000; i++)
        parts.push(`${i ? ',' : ''}"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
      parts.push('}');
      return bytesSource('million.safetensors', safetensors(parts.join('')));
    },
    expect: 'refused',
    match: /more than 200000 tensors \(budget tensors=200000/,
  });
  add({
    name: 'deep.safetensors',
    about: 'a header nested 200,000 arrays deep',
    make: bytes('deep.safetensors', () => safetensors(`{"a":${deepArrays(200_000)}}`)),
    expect: 'refused',
    match: /nested deeper than 100 levels/,
    browser: true,
  });
  add({
    name: 'empty-rows.safetensors',
    about: 'shape [2^53 - 1, 0]',
    make: bytes('empty-rows.safetensors', () =>
      safetensors(`{"x":{"dtype":"F32","shape":[${Number.MAX_SAFE_INTEGER},0],"data_offsets":[0,0]}}`),
    ),
    expect: 'parsed',
    read: 'blocks',
    browser: true,
  });
  add({
    name: 'dup-key.safetensors',
    about: 'one tensor name twice',
    make: bytes('dup-key.safetensors', () =>
      safetensors(
        '{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
        new Uint8Array(8),
      ),
    ),
    expect: 'refused',
    match: /names this key twice/,
    browser: true,
  });
  add({
    name: 'long-key.safetensors',
    about: 'a 10 MB key on a bad entry: the message stays short',
    make: bytes('long-key.safetensors', () =>
      safetensors(`{"${'k'.repeat(10 << 20)}":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}}`),
    ),
    expect: 'refused',
    match: /unsupported dtype/,
  });
  add({
    name: 'header-past-end.safetensors',
    about: 'a header length past the end of the file',
    make: () => {
      const b = safetensors('{}');
      new DataView(b.buffer).setBigUint64(0, 1000n, true);
      return bytesSource('header-past-end.safetensors', b);
    },
    expect: 'refused',
    match: /file ends at byte 10/,
    browser: true,
  });
  add({
    name: 'inf-shape.safetensors',
    about: 'a dimension written as 1e400',
    make: bytes('inf-shape.safetensors', () =>
      safetensors('{"x":{"dtype":"F32","shape":[1e400],"data_offsets":[0,4]}}', f32([1])),
    ),
    expect: 'refused',
    match: /shape/,
  });
  add({
    name: 'proto.safetensors',
    about: 'a tensor named __proto__ is just a name',
    make: bytes('proto.safetensors', () =>
      safetensors('{"__proto__":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', f32([1.5, -2])),
    ),
    expect: 'parsed',
    check: async (f) => {
      expect(f.tensors.map((t) => t.key)).toEqual(['__proto__']);
      expect(Array.from(await f.tensors[0].readF32())).toEqual([1.5, -2]);
    },
    browser: true,
  });

  // ---- zip archives (.npz, .pt) ----
  const npzMember = makeNpy('<f4', [2, 2], f32([1, 2, 3, 4]));
  add({
    name: 'same-offset.npz',
    about: '32 central-directory entries all pointing at one member (the same bytes inflated 32 times)',
    make: bytes('same-offset.npz', () =>
      makeZip([
        { name: 'a0.npy', data: npzMember, method: 8 },
        ...Array.from({ length: 31 }, (_, i) => ({ name: `a${i + 1}.npy`, data: npzMember, method: 8, pointAt: 0 })),
      ]),
    ),
    expect: 'refused',
    // The entries' names differ in length from the member's, so the longer ones also reach the directory.
    match: /overlap|runs into the central directory/,
    browser: true,
  });
  add({
    name: 'dup-names.npz',
    about: 'one member name twice',
    make: bytes('dup-names.npz', () =>
      makeZip([
        { name: 'x.npy', data: npzMember },
        { name: 'x.npy', data: makeNpy('<f4', [1], f32([9])) },
      ]),
    ),
    expect: 'refused',
    match: /occurs twice/,
    browser: true,
  });
  add({
    name: 'bomb.npz',
    about: 'a member declaring 1 KiB whose stream inflates to 64 MiB',
    make: () => {
      const header = makeNpy('<u1', [1024 - 128], new Uint8Array(0)).subarray(0, 128);
      const stream = concatBytes(header, new Uint8Array(64 << 20));
      return bytesSource(
        'bomb.npz',
        makeZip([{ name: 'x.npy', data: stream, method: 8, uncompressedSize: 1024, crc: 0 }]),
      );
    },
    expect: 'refused',
    match: /inflates to more than the 1024 bytes the zip declares/,
  });
  add({
    name: 'honest-gigabyte.npz',
    about: 'a 1 GiB member deflated to 4 MB: opening reads its header only',
    make: () => {
      const n = 2 ** 28;
      const header = makeNpy('<f4', [n], new Uint8Array(0));
      // One deflate stream: the header in a stored block, then the values as a block of zeros.
      const body = deflateZeros(n * 4);
      const headStored = storedBlock(header);
      return bytesSource(
        'honest-gigabyte.npz',
        makeZip([
          {
            name: 'x.npy',
            data: concatBytes(headStored, body),
            raw: true,
            method: 8,
            uncompressedSize: header.length + n * 4,
            crc: 0,
          },
        ]),
      );
    },
    expect: 'parsed',
    read: 'none',
    maxRead: 2 << 20,
    check: (f) => expect(f.tensors[0].shape).toEqual([2 ** 28]),
  });
  add({
    name: 'inflate-budget.npz',
    about: 'the total inflation budget: re-reading a deflated member past it is refused',
    make: bytes('inflate-budget.npz', () =>
      makeZip([{ name: 'x.npy', data: makeNpy('<f4', [2 ** 21], new Uint8Array(2 ** 23)), method: 8 }]),
    ),
    budgets: { inflateBytes: 0 },
    expect: 'refused',
    read: async (f) => {
      // Reading backwards restarts the inflation: each round inflates the member again.
      for (let i = 0; i < 4; i++) {
        await f.tensors[0].readRowsF32!(2 ** 21 - 100, 2 ** 21);
        await f.tensors[0].readRowsF32!(0, 1);
      }
    },
    match: /budget inflateBytes=0/,
    browser: true,
  });
  add({
    name: 'count-forged.npz',
    about: 'an end record claiming 65,535 entries for a 46-byte directory',
    make: () => {
      const b = makeZip([{ name: 'x.npy', data: npzMember }]);
      new DataView(b.buffer).setUint16(b.length - 12, 0xffff, true);
      return bytesSource('count-forged.npz', b);
    },
    expect: 'refused',
    match: /implausible/,
    browser: true,
  });
  add({
    name: 'zip64-count.npz',
    about: 'a ZIP64 end record claiming 2^40 entries',
    make: () => {
      const b = makeZip([{ name: 'x.npy', data: npzMember, zip64: true }]);
      const dv = new DataView(b.buffer);
      const rec = Number(dv.getBigUint64(b.length - 22 - 20 + 8, true));
      dv.setBigUint64(rec + 32, 2n ** 40n, true);
      return bytesSource('zip64-count.npz', b);
    },
    expect: 'refused',
    match: /lists 1099511627776 entries \(budget zipEntries=1000000/,
    browser: true,
  });
  add({
    name: 'into-directory.npz',
    about: 'a member whose data would run into the central directory',
    make: () => {
      const b = makeZip([{ name: 'x.npy', data: npzMember }]);
      const dv = new DataView(b.buffer);
      const cd = dv.getUint32(b.length - 6, true);
      dv.setUint32(cd + 20, 100_000, true);
      dv.setUint32(cd + 24, 100_000, true);
      return bytesSource('into-directory.npz', b);
    },
    expect: 'refused',
    match: /runs into the central directory/,
    browser: true,
  });
  add({
    name: 'many-members.npz',
    about: '100,000 members: opened in a few hundred reads, not several per member',
    make: () => {
      const member = makeNpy('<f4', [1], f32([1]));
      return bytesSource(
        'many-members.npz',
        bulkZip(100_000, (i) => ({ name: `m${i}.npy`, data: member })),
      );
    },
    expect: 'parsed',
    read: 'none',
    check: (f, source) => {
      expect(f.tensors.length).toBe(100_000);
      expect(source.stats.reads).toBeLessThan(2000);
    },
  });
  add({
    name: 'million-entries.zip',
    about: 'a million entries: indexed compactly, then refused as holding no .npy and no data.pkl',
    make: () =>
      bytesSource(
        'million-entries.zip',
        bulkZip(1_000_000, (i) => ({ name: `d/${i}`, data: new Uint8Array(0) })),
      ),
    expect: 'refused',
    match: /no \.npy members/,
  });
  add({
    name: 'fortran-deflated.npz',
    about: 'a column-major deflated member streamed by row blocks is inflated once, not once per block',
    make: () => {
      const [R, C] = [2000, 64];
      const body = new Float64Array(R * C).map((_, i) => i % 997);
      return bytesSource(
        'fortran-deflated.npz',
        makeZip([
          { name: 'x.npy', data: makeNpy('<f8', [R, C], new Uint8Array(body.buffer), { fortran: true }), method: 8 },
        ]),
      );
    },
    expect: 'parsed',
    read: async (f) => {
      let n = 0;
      for await (const b of rowBlocks(f.tensors[0], { rowsPerBlock: 100 })) {
        // Column-major value (i, j) was i + 2000 j mod 997.
        const i = b.rowStart + 1;
        expect(b.values[64 + 5]).toBe((i + 2000 * 5) % 997);
        n++;
      }
      expect(n).toBe(20);
    },
    check: (_f, source) => expect(source.stats.bytes).toBeLessThan(2 * source.size + (1 << 20)),
    browser: true,
  });

  // ---- torch pickles: graphs, not trees ----
  add({
    name: 'list-doubling.pt',
    about: 'lists of two references to the list below, 60 levels (2^60 paths in under 1 KB), walked once each',
    make: bytes('list-doubling.pt', () => torchZip(doublingPickle(60, 'list').stop().bytes())),
    expect: 'parsed',
    check: (f) => expect(f.tensors).toEqual([]),
    browser: true,
  });
  add({
    name: 'tensor-doubling.pt',
    about: 'the same with a tensor at the bottom: 2^60 keys for it, refused at the tensors budget',
    make: bytes('tensor-doubling.pt', () =>
      torchZip(doublingPickle(60, 'list', 'tensor').stop().bytes(), { 0: f32([1]) }),
    ),
    expect: 'refused',
    match: /more than 200000 tensors/,
    browser: true,
  });
  add({
    name: 'dict-doubling.pt',
    about: 'the same with dicts',
    make: bytes('dict-doubling.pt', () =>
      torchZip(doublingPickle(60, 'dict', 'tensor').stop().bytes(), { 0: f32([1]) }),
    ),
    expect: 'refused',
    match: /more than 200000 tensors/,
  });
  add({
    name: 'legacy-doubling.pt',
    about: 'the same in a legacy (pre-1.6) file',
    make: bytes('legacy-doubling.pt', () =>
      legacyTorchFile(
        (w) => w.raw(...doublingPickle(60, 'list', 'legacy-tensor').bytes().subarray(2)),
        [{ key: 'k', numel: 1, data: f32([1]) }],
      ),
    ),
    expect: 'refused',
    match: /more than 200000 tensors/,
  });
  add({
    name: 'shared-work.pt',
    about: 'a list of 100,000 references to one list of 1,000 numbers: refused by the walking budget',
    make: () => {
      const w = new PickleWriter().proto().emptyList().mark();
      for (let i = 0; i < 1000; i++) w.int(i);
      w.appends().longBinput(0).raw(0x30).emptyList().mark();
      for (let i = 0; i < 100_000; i++) w.raw(0x6a, ...u32(0));
      return bytesSource('shared-work.pt', torchZip(w.appends().stop().bytes()));
    },
    expect: 'refused',
    match: /takes more than 5000000 steps/,
  });
  add({
    name: 'tuple-key.pt',
    about: 'a tuple doubled 27 times used as a dict key',
    make: () => {
      const bytesOf = doublingPickle(27, 'tuple').bytes();
      const p = new PickleWriter().proto().emptyDict();
      p.raw(...bytesOf.subarray(2))
        .none()
        .raw(0x73); // SETITEM {tuple: None}
      return bytesSource('tuple-key.pt', torchZip(p.stop().bytes()));
    },
    expect: 'refused',
    match: /SETITEM: dictionary key is longer than 4096 characters/,
    browser: true,
  });
  add({
    name: 'self-list.pt',
    about: 'a list that contains itself once',
    make: bytes('self-list.pt', () =>
      torchZip(new PickleWriter().proto().emptyList().binput(0).binget(0).append().stop().bytes()),
    ),
    expect: 'refused',
    match: /contains itself/,
    browser: true,
  });
  add({
    name: 'self-dict.pt',
    about: 'a dict that contains itself',
    make: bytes('self-dict.pt', () =>
      torchZip(new PickleWriter().proto().emptyDict().binput(0).str('me').binget(0).raw(0x73).stop().bytes()),
    ),
    expect: 'refused',
    match: /contains itself/,
  });
  add({
    name: 'deep.pt',
    about: 'tuples nested 100,000 deep',
    make: () => {
      const w = new PickleWriter().proto().emptyTuple();
      for (let i = 0; i < 100_000; i++) w.tuple1();
      return bytesSource('deep.pt', torchZip(w.stop().bytes()));
    },
    expect: 'refused',
    match: /TUPLE1: containers nested deeper than 100 levels/,
  });
  add({
    name: 'objects.pt',
    about: 'more objects than the budget (lowered here to 1,000)',
    make: () => {
      const w = new PickleWriter().proto().emptyList().mark();
      for (let i = 0; i < 2000; i++) w.str(`s${i}`);
      return bytesSource('objects.pt', torchZip(w.appends().stop().bytes()));
    },
    budgets: { pickleObjects: 1000 },
    expect: 'refused',
    match: /builds more than 1000 objects/,
    browser: true,
  });
  add({
    name: 'unknown-op.pt',
    about: 'an opcode outside the allow-list is named by its byte',
    make: bytes('unknown-op.pt', () => torchZip(new PickleWriter().proto().raw(0xff).stop().bytes())),
    expect: 'refused',
    match: /opcode 0xff/,
    browser: true,
  });
  add({
    name: 'cut-pickle.pt',
    about: 'a pickle ending inside an opcode names it',
    make: bytes('cut-pickle.pt', () => torchZip(new PickleWriter().proto().raw(0x58, 100, 0, 0, 0, 65).bytes())),
    expect: 'refused',
    match: /BINUNICODE needs 100 more bytes/,
    browser: true,
  });
  add({
    name: 'long-length.pt',
    about: 'BINUNICODE8 with a length of 2^62',
    make: bytes('long-length.pt', () =>
      torchZip(new PickleWriter().proto().raw(0x8d, 0, 0, 0, 0, 0, 0, 0, 0x40).stop().bytes()),
    ),
    expect: 'refused',
    match: /BINUNICODE8: length \d+ is impossibly large/,
  });
  add({
    name: 'datapkl-bomb.pt',
    about: 'a data.pkl declaring 100 MB (honestly, deflated to 100 KB): refused before inflating',
    make: () =>
      bytesSource(
        'datapkl-bomb.pt',
        makeZip([
          {
            name: 'a/data.pkl',
            data: deflateZeros(100_000_000),
            raw: true,
            method: 8,
            uncompressedSize: 100_000_000,
            crc: 0,
          },
        ]),
      ),
    expect: 'refused',
    match: /more than the 67108864 allowed for it \(budget pickleBytes/,
    maxRead: 1 << 20,
  });
  add({
    name: 'datapkl-forged.pt',
    about: 'a data.pkl declaring 1 KiB whose stream inflates to 100 MB',
    make: () =>
      bytesSource(
        'datapkl-forged.pt',
        makeZip([
          { name: 'a/data.pkl', data: deflateZeros(100_000_000), raw: true, method: 8, uncompressedSize: 1024, crc: 0 },
        ]),
      ),
    expect: 'refused',
    match: /beyond what deflate can produce|inflates to more than/,
    maxRead: 1 << 20,
  });
  const view = (w: PickleWriter, numel: number, size: number[], stride: number[], key = '0', offset = 0) =>
    w.tensor({ type: 'FloatStorage', key, numel, offset, size, stride });
  add({
    name: 'stride0-views.pt',
    about: '100,000 stride-0 views of one 4-element storage, each 100 x 4',
    make: () => {
      const w = new PickleWriter().proto().emptyList().mark();
      view(w, 4, [100, 4], [0, 1]).binput(1);
      for (let i = 1; i < 100_000; i++) w.binget(1);
      return bytesSource('stride0-views.pt', torchZip(w.appends().stop().bytes(), { 0: f32([1, 2, 3, 4]) }));
    },
    expect: 'parsed',
    read: 'none',
    check: async (f) => {
      expect(f.tensors.length).toBe(100_000);
      const v = await f.tensors[99_999].readF32();
      expect(Array.from(v.subarray(396))).toEqual([1, 2, 3, 4]);
    },
  });
  add({
    name: 'stride0-huge.pt',
    about: 'stride-0 views repeating a storage into 2^40 elements',
    make: () => {
      const w = new PickleWriter().proto();
      view(w, 1, [2 ** 20, 2 ** 20], [0, 0]);
      return bytesSource('stride0-huge.pt', torchZip(w.stop().bytes(), { 0: f32([1]) }));
    },
    expect: 'refused',
    match: /budget viewElements/,
    browser: true,
  });
  add({
    name: 'sparse-view.pt',
    about: 'a (2, 2) view with strides (1, 2^28 - 2) of a 1 GiB storage reads four values, not the storage',
    make: () => {
      const numel = 2 ** 28;
      const w = new PickleWriter().proto();
      view(w, numel, [2, 2], [1, numel - 2]);
      return makeZipSource('sparse-view.pt', [
        { name: 'archive/data.pkl', data: w.stop().bytes() },
        { name: 'archive/data/0', data: new Uint8Array(0), zeros: numel * 4 },
      ]);
    },
    expect: 'parsed',
    maxRead: 1 << 20,
    check: async (f) => expect(Array.from(await f.tensors[0].readF32())).toEqual([0, 0, 0, 0]),
    browser: true,
  });
  add({
    name: 'empty-rows.pt',
    about: 'a torch view of shape (2^53 - 1, 0) over an empty storage',
    make: () => {
      const w = new PickleWriter().proto();
      view(w, 0, [Number.MAX_SAFE_INTEGER, 0], [0, 1]);
      return bytesSource('empty-rows.pt', torchZip(w.stop().bytes(), { 0: new Uint8Array(0) }));
    },
    expect: 'parsed',
    read: 'blocks',
    browser: true,
  });
  add({
    name: 'view-past-storage.pt',
    about: 'a view reaching past its storage',
    make: () => {
      const w = new PickleWriter().proto();
      view(w, 4, [2, 3], [3, 1]);
      return bytesSource('view-past-storage.pt', torchZip(w.stop().bytes(), { 0: f32([1, 2, 3, 4]) }));
    },
    expect: 'refused',
    match: /reaches element 5 but its storage '0' has 4/,
    browser: true,
  });
  add({
    name: 'storage-short.pt',
    about: 'a storage claiming more elements than its member holds',
    make: () => {
      const w = new PickleWriter().proto();
      view(w, 1_000_000, [2], [1]);
      return bytesSource('storage-short.pt', torchZip(w.stop().bytes(), { 0: f32([1, 2]) }));
    },
    expect: 'refused',
    match: /needs 4000000 bytes but its member holds 8/,
  });
  add({
    name: 'legacy-evil.pt',
    about: 'a legacy file calling os.system',
    make: bytes('legacy-evil.pt', () =>
      legacyWith((w) => {
        w.global('posix', 'system').mark().str('echo pwned').tuple().reduce();
      }),
    ),
    expect: 'refused',
    match: /refused global 'posix\.system'/,
    browser: true,
  });

  // ---- text tables and JSON side files ----
  add({
    name: 'commas.csv',
    about: '130 MB of commas on one line: refused at the column budget after reading the first slice',
    make: bytes('commas.csv', () => filled(130_000_000, 0x2c)),
    expect: 'refused',
    match: /more than 10000 fields/,
    maxRead: 3 << 20,
  });
  add({
    name: 'rows.csv',
    about: '30 million short rows load as one Float64Array, never as 30 million strings',
    make: () => {
      const b = new Uint8Array(60_000_000);
      for (let i = 0; i < b.length; i += 2) {
        b[i] = 0x30 + ((i >> 1) % 10);
        b[i + 1] = 0x0a;
      }
      return bytesSource('rows.csv', b);
    },
    expect: 'parsed',
    check: (f) => {
      const c = f.table!.columns[0];
      expect(c.kind).toBe('number');
      expect(f.table!.rowCount).toBe(30_000_000);
      expect(c.values[29_999_999]).toBe(9);
    },
  });
  add({
    name: 'field.csv',
    about: 'one 100 MB field: refused at the field budget',
    make: bytes('field.csv', () => concatBytes(ascii('a,b\n1,'), filled(100_000_000, 0x78))),
    expect: 'refused',
    match: /longer than 1048576 characters \(budget fieldBytes/,
    maxRead: 3 << 20,
  });
  add({
    name: 'open-quote.csv',
    about: 'a quote opened at the start of a 20 MB file and never closed',
    make: bytes('open-quote.csv', () => concatBytes(ascii('a\n"'), filled(20_000_000, 0x61))),
    expect: 'refused',
    match: /budget fieldBytes/,
    maxRead: 3 << 20,
    browser: true,
  });
  add({
    name: 'row.csv',
    about: 'a record of 9,000 fields of 500 characters (4.5 MB)',
    make: () => {
      const field = 'x'.repeat(500);
      return bytesSource('row.csv', ascii(Array.from({ length: 9000 }, () => field).join(',')));
    },
    expect: 'refused',
    match: /budget rowBytes/,
  });
  add({
    name: 'cells.csv',
    about: 'more cells than the budget (lowered here to 100)',
    make: bytes('cells.csv', () => ascii('a,b\n' + '1,2\n'.repeat(60))),
    budgets: { tableCells: 100 },
    expect: 'refused',
    match: /more than 100 cells/,
    browser: true,
  });
  add({
    name: 'deep.jsonl',
    about: 'a line nested a million arrays deep',
    make: bytes('deep.jsonl', () => ascii(`{"a": 1}\n{"b": ${deepArrays(1_000_000)}}\n`)),
    expect: 'refused',
    match: /line 2 is not valid JSON: nested deeper than 100 levels/,
    browser: true,
  });
  add({
    name: 'long-line.jsonl',
    about: 'a 10 MB line',
    make: bytes('long-line.jsonl', () => ascii(`{"a": "${'x'.repeat(10 << 20)}"}\n`)),
    expect: 'refused',
    match: /budget rowBytes/,
    maxRead: 6 << 20,
  });
  add({
    name: 'keys.jsonl',
    about: 'a line with 20,000 keys',
    make: bytes('keys.jsonl', () => ascii(`{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":1`).join(',')}}\n`)),
    expect: 'refused',
    match: /more than 10000 distinct keys/,
    browser: true,
  });
  add({
    name: 'mixed.jsonl',
    about: 'valid JSONL: numbers stay numbers, a column turned mixed becomes text as JSON.stringify writes it',
    make: bytes('mixed.jsonl', () => ascii('{"n": 1, "m": 2}\n{"n": 2.5, "m": "x"}\n{"m": {"k": [1, {"z": null}]}}\n')),
    expect: 'parsed',
    check: (f) => {
      const [n, m] = f.table!.columns;
      expect(n.kind).toBe('number');
      expect(Array.from(n.values as Float64Array)).toEqual([1, 2.5, NaN]);
      expect(m.values).toEqual(['2', 'x', '{"k":[1,{"z":null}]}']);
    },
    browser: true,
  });

  add({
    name: 'deep-split.json',
    about: 'a split file nested 500,000 arrays deep',
    make: bytes('deep-split.json', () => ascii(`{"train_idx": ${deepArrays(500_000)}, "test_idx": []}`)),
    expect: 'refused',
    match: /not valid JSON: nested deeper than 100 levels \(at byte offset 113\)/,
    browser: true,
  });
  add({
    name: 'bad-index.json',
    about: 'a split index that is a 20 MB string: named, not echoed',
    make: bytes('bad-index.json', () => ascii(`{"train_idx": [0, "${'9'.repeat(20 << 20)}"], "test_idx": [1]}`)),
    expect: 'refused',
    match: /train_idx\[1\] = "9{40}" is not a row index/,
  });
  add({
    name: 'split.json',
    about: 'a valid split of 2,000,000 indices',
    make: bytes('split.json', () =>
      ascii(`{"train_idx": [${Array.from({ length: 2_000_000 }, (_, i) => i).join(',')}], "test_idx": [2000000]}`),
    ),
    expect: 'parsed',
  });

  // ---- HDF5 ----
  add({
    name: 'empty-rows.h5',
    about: 'an HDF5 dataset of shape (2^53 - 1, 0), written by libhdf5',
    make: async () => {
      const h5wasm = (await import('h5wasm')).default;
      const { FS } = await h5wasm.ready;
      const path = `/empty-rows-${Math.random().toString(36).slice(2)}.h5`;
      const f = new h5wasm.File(path, 'w');
      f.create_dataset({
        name: 'x',
        data: new Float32Array(0),
        shape: [Number.MAX_SAFE_INTEGER, 0],
        maxshape: [null, null],
        chunks: [1024, 1],
      } as never);
      f.close();
      const b = (FS!.readFile(path) as Uint8Array).slice();
      FS!.unlink(path);
      return bytesSource('empty-rows.h5', b);
    },
    expect: 'parsed',
    read: 'blocks',
    check: (f) => expect(f.tensors[0].shape).toEqual([Number.MAX_SAFE_INTEGER, 0]),
    browser: true,
  });
  add({
    name: 'garbage.h5',
    about: 'an HDF5 signature followed by garbage',
    make: bytes('garbage.h5', () =>
      concatBytes(Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), filled(4096, 0xab)),
    ),
    expect: 'refused',
    match: /libhdf5 could not open the file/,
  });
  return cases;
}

/** A raw DEFLATE stored block (not final) holding `data` (at most 65,535 bytes). */
function storedBlock(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + data.length);
  out[0] = 0; // BFINAL 0, BTYPE 00, then padding to the byte boundary
  const dv = new DataView(out.buffer);
  dv.setUint16(1, data.length, true);
  dv.setUint16(3, ~data.length & 0xffff, true);
  out.set(data, 5);
  return out;
}
