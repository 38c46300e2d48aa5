// Seeded fuzzing of every format: small valid files are mutated (bit flips, forged length fields, inserted and
// deleted runs) and truncated at least 1,000 times each, then opened and fully read. Every case must end in a
// clean parse or a DataFileError: never another exception, a hang, or an allocation out of proportion to the file.
import { afterAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import h5wasm from 'h5wasm';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { DataFileError } from '../../../src/core/formats/errors';
import { openDataFile } from '../../../src/core/formats/open-file';
import { PyTuple, unpickle } from '../../../src/core/formats/pickle';
import { TORCH_GLOBALS } from '../../../src/core/formats/torch';
import { elementCount } from '../../../src/core/formats/tensor-entry';
import { closeFixtures, fixtureBytes } from './fixtures';
import { makeNpy } from './npy-writer';
import { legacyTorchFile, PickleWriter } from './pickle-writer';
import { makeZip } from './zip-writer';

afterAll(closeFixtures);

/** PROBELAB_FUZZ_CASES / PROBELAB_FUZZ_SEED run longer or different campaigns locally; CI uses the defaults. */
const CASES = Number(process.env.PROBELAB_FUZZ_CASES ?? 1000);
const SEED_OFFSET = Number(process.env.PROBELAB_FUZZ_SEED ?? 0);
/** No single case may take this long (a hang shows up as a timeout of the whole test long before). */
const MAX_CASE_MS = 2000;

/** mulberry32: small, fast, and the same sequence on every machine for a given seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

const INTERESTING_U32 = [
  0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];

/** One mutation of `seed`: positions are biased towards the start and end, where headers and directories live. */
function mutate(seed: Uint8Array, r: ReturnType<typeof prng>): Uint8Array {
  const pos = (len: number) => {
    if (len === 0) return 0;
    const roll = r.next();
    if (roll < 0.45) return r.int(Math.min(len, 512));
    if (roll < 0.7) return Math.max(0, len - 1 - r.int(Math.min(len, 512)));
    return r.int(len);
  };
  let b = seed.slice();
  const ops = 1 + r.int(4);
  for (let k = 0; k < ops; k++) {
    const kind = r.int(6);
    if (kind === 0 && b.length) {
      // flip bits
      const p = pos(b.length);
      b[p] ^= 1 << r.int(8);
    } else if (kind === 1 && b.length) {
      // a random or boundary byte
      b[pos(b.length)] = r.next() < 0.5 ? r.int(256) : [0, 1, 0x7f, 0x80, 0xff][r.int(5)];
    } else if (kind === 2 && b.length >= 4) {
      // forge a 32- or 64-bit length or offset field
      const p = Math.min(pos(b.length), b.length - 4);
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      dv.setUint32(p, INTERESTING_U32[r.int(INTERESTING_U32.length)], r.next() < 0.8);
      if (p + 8 <= b.length && r.next() < 0.3) dv.setUint32(p + 4, r.next() < 0.5 ? 0 : 0xffffffff, true);
    } else if (kind === 3) {
      // truncate
      b = b.slice(0, r.int(b.length + 1));
    } else if (kind === 4 && b.length) {
      // delete a run
      const p = pos(b.length);
      const n = 1 + r.int(16);
      b = Uint8Array.from([...b.subarray(0, p), ...b.subarray(p + n)]);
    } else {
      // insert a run
      const p = pos(b.length);
      const run = Uint8Array.from({ length: 1 + r.int(16) }, () => r.int(256));
      const out = new Uint8Array(b.length + run.length);
      out.set(b.subarray(0, p));
      out.set(run, p);
      out.set(b.subarray(p), p + run.length);
      b = out;
    }
  }
  return b;
}

interface Outcome {
  parsed: number;
  refused: number;
  failures: string[];
}

/** Opens and fully reads one input; returns 'parsed', 'refused', or a description of a failure. */
async function attempt(name: string, bytes: Uint8Array): Promise<'parsed' | 'refused' | string> {
  const started = performance.now();
  const outcome = await readFully(name, bytes);
  const ms = performance.now() - started;
  if (ms > MAX_CASE_MS) throw new Error(`${name}: one case took ${ms.toFixed(0)} ms`);
  return outcome;
}

async function readFully(name: string, bytes: Uint8Array): Promise<'parsed' | 'refused' | string> {
  try {
    const f = await openDataFile(bytesSource(name, bytes));
    try {
      for (const t of f.tensors) {
        const count = elementCount(t.shape);
        // Deflate and gzip expand at most ~1032:1, and views may repeat a storage up to 2^26 elements.
        if (!(count <= Math.max(2 ** 26, 1100 * bytes.length)))
          return `${t.key}: ${count} elements from a ${bytes.length}-byte file`;
        const values = await t.readF32();
        if (values.length !== count) return `${t.key}: read ${values.length} values for shape [${t.shape}]`;
      }
    } finally {
      f.close?.();
    }
    return 'parsed';
  } catch (e) {
    if (e instanceof DataFileError) return 'refused';
    return `${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? e}`.slice(0, 300);
  }
}

async function fuzz(
  name: string,
  seeds: Uint8Array[],
  seedNumber: number,
  seedsParse = true,
  cases = CASES,
): Promise<Outcome> {
  const r = prng(seedNumber + SEED_OFFSET * 1000);
  const out: Outcome = { parsed: 0, refused: 0, failures: [] };
  // The unmodified seeds must parse: the fuzz would prove little if they were already refused.
  if (seedsParse) for (const s of seeds) expect(await attempt(name, s), `${name} seed`).toBe('parsed');
  for (let i = 0; i < cases; i++) {
    const input = mutate(seeds[i % seeds.length], r);
    const result = await attempt(name, input);
    if (result === 'parsed') out.parsed++;
    else if (result === 'refused') out.refused++;
    else out.failures.push(`case ${i} (seed ${seedNumber}): ${result}`);
  }
  return out;
}

function check(o: Outcome, name: string) {
  if (process.env.PROBELAB_FUZZ_VERBOSE)
    console.log(`${name}: ${o.parsed} parsed, ${o.refused} refused, ${o.failures.length} failures`);
  expect(o.failures, `${name}: ${o.failures.slice(0, 5).join('\n')}`).toEqual([]);
  expect(o.parsed + o.refused).toBeGreaterThanOrEqual(CASES);
  // Mutations must reach past the first check often enough to exercise deeper code.
  expect(o.refused, name).toBeGreaterThan(0);
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const text = (s: string) => new TextEncoder().encode(s);

function safetensors(header: unknown, data: Uint8Array): Uint8Array {
  const json = text(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function torchZip(): Uint8Array {
  const w = new PickleWriter().proto().emptyDict().mark();
  w.str('layers').emptyList().mark();
  w.tensor({ type: 'FloatStorage', key: '0', numel: 12, offset: 0, size: [3, 4], stride: [4, 1] });
  w.tensor({ type: 'FloatStorage', key: '0', numel: 12, offset: 1, size: [4, 2], stride: [1, 4] });
  w.appends();
  w.str('labels').tensor({ type: 'LongStorage', key: '1', numel: 3, offset: 0, size: [3], stride: [1] });
  w.str('half').tensor({ type: 'BFloat16Storage', key: '2', numel: 2, offset: 0, size: [2], stride: [1] });
  w.setitems().stop();
  return zipSync({
    'small/data.pkl': [w.bytes(), { level: 0 }],
    'small/data/0': [f32(Array.from({ length: 12 }, (_, i) => i)), { level: 0 }],
    'small/data/1': [new Uint8Array(new BigInt64Array([1n, 2n, 3n]).buffer), { level: 0 }],
    'small/data/2': [new Uint8Array([0x80, 0x3f, 0x00, 0x40]), { level: 0 }],
    'small/version': [text('3\n'), { level: 0 }],
  });
}

describe('fuzz: every case ends in a clean parse or a DataFileError', () => {
  it('npy', async () => {
    const seeds = [
      makeNpy('<f4', [4, 3], f32(Array.from({ length: 12 }, (_, i) => i))),
      makeNpy('>f2', [2, 3], new Uint8Array(12).fill(0x3c), { fortran: true }),
      makeNpy('<i8', [3], new Uint8Array(new BigInt64Array([1n, -2n, 3n]).buffer), { version: 2 }),
      makeNpy('|b1', [2, 2, 2], new Uint8Array([1, 0, 1, 0, 1, 1, 0, 0])),
    ];
    check(await fuzz('x.npy', seeds, 1), 'npy');
  });

  it('npz, stored and deflated, with ZIP64 records', async () => {
    const a = makeNpy('<f4', [3, 2], f32([1, 2, 3, 4, 5, 6]));
    const b = makeNpy('<i2', [4], new Uint8Array(8).fill(1));
    const seeds = [
      makeZip([
        { name: 'a.npy', data: a },
        { name: 'b.npy', data: b },
      ]),
      makeZip([
        { name: 'a.npy', data: a, method: 8 },
        { name: 'b.npy', data: b, method: 8 },
      ]),
      makeZip([
        { name: 'a.npy', data: a, zip64: true },
        { name: 'b.npy', data: b, method: 8, zip64: true },
      ]),
    ];
    check(await fuzz('x.npz', seeds, 2), 'npz');
  });

  it('npz written by numpy (deflated digits)', async () => {
    // The real archive, mutated mostly in its member headers and central directory.
    check(await fuzz('digits_compressed.npz', [fixtureBytes('digits_compressed.npz')], 3), 'real npz');
  });

  it('safetensors', async () => {
    const data = new Uint8Array(40);
    const seeds = [
      safetensors(
        {
          __metadata__: { a: 'b' },
          x: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
          y: { dtype: 'BF16', shape: [4], data_offsets: [24, 32] },
          z: { dtype: 'I64', shape: [1], data_offsets: [32, 40] },
        },
        data,
      ),
      safetensors(
        { e: { dtype: 'U8', shape: [0], data_offsets: [0, 0] }, f: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } },
        data.subarray(0, 8),
      ),
    ];
    check(await fuzz('x.safetensors', seeds, 4), 'safetensors');
  });

  it('torch zip (nested containers, views, bf16) and malicious.pt', async () => {
    check(await fuzz('x.pt', [torchZip()], 5), 'torch');
    // malicious.pt is refused as it stands; no mutation of it may get further than a DataFileError either.
    const evil = await fuzz('malicious.pt', [fixtureBytes('malicious.pt')], 12, false);
    check(evil, 'malicious');
  });

  it('torch zip written by torch (digits_bf16.pt)', async () => {
    check(await fuzz('digits_bf16.pt', [fixtureBytes('digits_bf16.pt')], 6), 'real torch');
  });

  it('torch legacy', async () => {
    const small = legacyTorchFile(
      (w) => {
        w.emptyDict().mark();
        w.str('a').tensor({
          type: 'FloatStorage',
          key: 'k',
          numel: 6,
          offset: 0,
          size: [2, 3],
          stride: [3, 1],
          legacy: true,
        });
        w.str('b').tensor({
          type: 'FloatStorage',
          key: 'k',
          numel: 6,
          offset: 1,
          size: [2],
          stride: [3],
          legacy: true,
        });
        w.setitems();
      },
      [{ key: 'k', numel: 6, data: f32([1, 2, 3, 4, 5, 6]) }],
    );
    check(await fuzz('old.pt', [small], 7), 'legacy');
  });

  it('hdf5 (libhdf5 through h5wasm)', async () => {
    const { FS } = await h5wasm.ready;
    const f = new h5wasm.File('/fuzz-seed.h5', 'w');
    f.create_group('g').create_dataset({
      name: 'x',
      data: new Float32Array(12).map((_, i) => i),
      shape: [3, 4],
      chunks: [1, 4],
      compression: 'gzip',
    });
    f.create_dataset({ name: 'y', data: new Int32Array([1, 2, 3]) });
    f.close();
    const small = FS!.readFile('/fuzz-seed.h5') as Uint8Array;
    FS!.unlink('/fuzz-seed.h5');
    check(await fuzz('x.h5', [small, fixtureBytes('digits.h5')], 8), 'hdf5');
  });

  it('csv and jsonl', async () => {
    const csvSeeds = [
      text('row,label,text\n0,1,"a, b"\n1,0,"say ""hi"""\n2,1,plain\n'),
      text('x\ty\n1.5\t-2\nnan\t3e4\n'),
    ];
    check(await fuzz('x.csv', csvSeeds, 9), 'csv');
    const jsonl = text(
      '{"row": 0, "text": "hello", "ok": true}\n{"row": 1, "text": "w\\u00f6rld", "ok": false, "extra": [1, 2]}\n',
    );
    check(await fuzz('x.jsonl', [jsonl], 10), 'jsonl');
  });

  it('random opcode streams through the restricted pickle reader', () => {
    // Valid-looking opcodes with small arguments, so the machine gets deep instead of failing on the first byte.
    const r = prng(11);
    const opcodes = [
      0x28, 0x2e, 0x30, 0x31, 0x32, 0x4a, 0x4b, 0x4d, 0x4e, 0x51, 0x52, 0x58, 0x61, 0x62, 0x7d, 0x65, 0x68, 0x6c, 0x5d,
      0x71, 0x73, 0x74, 0x29, 0x75, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x8f, 0x90, 0x91, 0x93, 0x94, 0x81, 0x63,
    ];
    const failures: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const w: number[] = [0x80, 2];
      const n = 1 + r.int(60);
      for (let k = 0; k < n; k++) {
        const op = opcodes[r.int(opcodes.length)];
        w.push(op);
        if (op === 0x4b || op === 0x68 || op === 0x71) w.push(r.int(8));
        else if (op === 0x4d) w.push(r.int(256), 0);
        else if (op === 0x4a) w.push(r.int(256), r.int(256), 0, r.next() < 0.5 ? 0 : 0x80);
        else if (op === 0x8a) {
          const len = r.int(9);
          w.push(len);
          for (let j = 0; j < len; j++) w.push(r.int(256));
        } else if (op === 0x58 || op === 0x8c) {
          const s = text(
            [
              'storage',
              'torch',
              'FloatStorage',
              '0',
              'cpu',
              'collections',
              'OrderedDict',
              'torch._utils',
              '_rebuild_tensor_v2',
            ][r.int(9)],
          );
          if (op === 0x58) w.push(s.length, 0, 0, 0);
          else w.push(s.length);
          w.push(...s);
        } else if (op === 0x63)
          w.push(
            ...text(
              [
                'torch\nFloatStorage\n',
                'collections\nOrderedDict\n',
                'torch._utils\n_rebuild_tensor_v2\n',
                'os\nsystem\n',
              ][r.int(4)],
            ),
          );
      }
      w.push(0x2e);
      try {
        unpickle(Uint8Array.from(w), 0, {
          file: 'random.pkl',
          globals: TORCH_GLOBALS,
          persistentLoad: (pid, fail) => {
            if (!(pid instanceof PyTuple)) throw fail('bad pid');
            return pid;
          },
        });
      } catch (e) {
        if (!(e instanceof DataFileError))
          failures.push(`case ${i}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
