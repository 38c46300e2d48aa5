// Seeded fuzzing of every format the app reads: real fixtures (written by numpy, PyTorch, h5py, safetensors) and
// small generated files are mutated (bit flips, forged length fields, inserted and deleted runs, truncation) and
// opened and fully read through the same entry points as the worker. Each case ends parsed, refused (a typed
// DataFileError) or crashed (anything else: a failure). Used by `npm run fuzz` (long campaigns, a JSON report) and
// by test/core/formats/fuzz.test.ts (short ones in `npm test`).
import { zipSync } from 'fflate';
import { bytesSource, type ByteSource } from '../../src/core/formats/byte-source';
import { DataFileError } from '../../src/core/formats/errors';
import { openJsonSideFile } from '../../src/core/formats/json-side-files';
import { openDataFile } from '../../src/core/formats/open-file';
import { PyTuple, unpickle } from '../../src/core/formats/pickle';
import { TORCH_GLOBALS } from '../../src/core/formats/torch';
import { elementCount } from '../../src/core/formats/tensor-entry';
import { makeNpy } from '../core/formats/npy-writer';
import { legacyTorchFile, PickleWriter } from '../core/formats/pickle-writer';
import { makeZip } from '../core/formats/zip-writer';

/** mulberry32: small, fast, and the same sequence on every machine for a given seed. */
export function prng(seed: number) {
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
type Rng = ReturnType<typeof prng>;

const INTERESTING_U32 = [
  0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];
/** Bytes that mean something to one of the formats: quotes, brackets, delimiters, opcodes. */
const INTERESTING_BYTES = [0, 1, 0x7f, 0x80, 0xff, 0x22, 0x27, 0x28, 0x2c, 0x5b, 0x7b, 0x0a, 0x2e, 0x71, 0x94];

/** One mutation of `seed`: positions are biased towards the start and end, where headers and directories live. */
export function mutate(seed: Uint8Array, r: Rng): Uint8Array {
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
    const kind = r.int(7);
    if (kind === 0 && b.length) {
      b[pos(b.length)] ^= 1 << r.int(8);
    } else if (kind === 1 && b.length) {
      b[pos(b.length)] = r.next() < 0.5 ? r.int(256) : INTERESTING_BYTES[r.int(INTERESTING_BYTES.length)];
    } else if (kind === 2 && b.length >= 4) {
      // Forge a 16-, 32- or 64-bit length or offset field.
      const p = Math.min(pos(b.length), b.length - 4);
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const v = INTERESTING_U32[r.int(INTERESTING_U32.length)];
      if (r.next() < 0.3) dv.setUint16(p, v & 0xffff, true);
      else dv.setUint32(p, v, r.next() < 0.8);
      if (p + 8 <= b.length && r.next() < 0.3) dv.setUint32(p + 4, r.next() < 0.5 ? 0 : 0xffffffff, true);
    } else if (kind === 3) {
      b = b.slice(0, r.int(b.length + 1));
    } else if (kind === 4 && b.length) {
      // Delete a run.
      const p = pos(b.length);
      const n = Math.min(b.length - p, 1 + r.int(16));
      const out = new Uint8Array(b.length - n);
      out.set(b.subarray(0, p));
      out.set(b.subarray(p + n), p);
      b = out;
    } else if (kind === 5 && b.length > 8) {
      // Duplicate a run elsewhere (repeats a record, a key, a member header).
      const from = pos(b.length);
      const n = Math.min(b.length - from, 1 + r.int(64));
      const at = pos(b.length);
      const out = new Uint8Array(b.length + n);
      out.set(b.subarray(0, at));
      out.set(b.subarray(from, from + n), at);
      out.set(b.subarray(at), at + n);
      b = out;
    } else {
      // Insert a random run.
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

export type Outcome = 'parsed' | 'refused' | 'crashed';

/** Opens and fully reads one input; a crash is any exception other than DataFileError, or an implausible result. */
export async function attempt(name: string, bytes: Uint8Array): Promise<{ outcome: Outcome; detail?: string }> {
  const source: ByteSource = bytesSource(name, bytes);
  try {
    if (name.endsWith('.json')) {
      await openJsonSideFile(source);
      return { outcome: 'parsed' };
    }
    const f = await openDataFile(source);
    try {
      for (const t of f.tensors) {
        const count = elementCount(t.shape);
        // Deflate and gzip expand at most ~1032:1, and views may repeat a storage up to the viewElements budget.
        if (!(count <= Math.max(2 ** 26, 1100 * bytes.length)))
          return { outcome: 'crashed', detail: `${t.key}: ${count} elements from a ${bytes.length}-byte file` };
        const values = await t.readF32();
        if (values.length !== count)
          return { outcome: 'crashed', detail: `${t.key}: read ${values.length} values for shape [${t.shape}]` };
      }
    } finally {
      f.close?.();
    }
    return { outcome: 'parsed' };
  } catch (e) {
    if (e instanceof DataFileError) {
      if (e.message.length > 800) return { outcome: 'crashed', detail: `message of ${e.message.length} characters` };
      return { outcome: 'refused', detail: e.problem };
    }
    return {
      outcome: 'crashed',
      detail: `${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? e}`.slice(0, 300),
    };
  }
}

export interface Campaign {
  /** The format, as reported. */
  format: string;
  /** File name the cases are opened under (its extension matters for tables and JSON). */
  name: string;
  seeds: Uint8Array[];
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

function smallTorchZip(): Uint8Array {
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

function smallLegacy(): Uint8Array {
  return legacyTorchFile(
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
      w.str('b').tensor({ type: 'FloatStorage', key: 'k', numel: 6, offset: 1, size: [2], stride: [3], legacy: true });
      w.setitems();
    },
    [{ key: 'k', numel: 6, data: f32([1, 2, 3, 4, 5, 6]) }],
  );
}

/** Up to `max` bytes of a text file, cut at a line end. */
function head(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  return bytes.subarray(0, bytes.lastIndexOf(10, max) + 1);
}

/**
 * Every format's campaign: fixtures written by the real libraries plus small generated files. `fixture` reads a
 * file of test/fixtures; `hdf5Seed` is a small h5wasm-written file (passed in: writing one needs h5wasm's FS).
 */
export function campaigns(fixture: (name: string) => Uint8Array, hdf5Seed?: Uint8Array): Campaign[] {
  const a = makeNpy('<f4', [3, 2], f32([1, 2, 3, 4, 5, 6]));
  const b = makeNpy('<i2', [4], new Uint8Array(8).fill(1));
  return [
    {
      format: 'npy',
      name: 'x.npy',
      seeds: [
        fixture('digits_f16.npy'),
        fixture('digits_f32_bigendian.npy'),
        fixture('diabetes_X.npy'),
        makeNpy('>f2', [2, 3], new Uint8Array(12).fill(0x3c), { fortran: true }),
        makeNpy('<i8', [3], new Uint8Array(new BigInt64Array([1n, -2n, 3n]).buffer), { version: 2 }),
        makeNpy('|b1', [2, 2, 2], new Uint8Array([1, 0, 1, 0, 1, 1, 0, 0])),
      ],
    },
    {
      format: 'npz',
      name: 'x.npz',
      seeds: [
        fixture('digits_compressed.npz'),
        fixture('breast_cancer.npz'),
        makeZip([
          { name: 'a.npy', data: a },
          { name: 'b.npy', data: b },
        ]),
        makeZip([
          { name: 'a.npy', data: a, method: 8 },
          { name: 'b.npy', data: b, method: 8, zip64: true },
        ]),
      ],
    },
    {
      format: 'safetensors',
      name: 'x.safetensors',
      seeds: [
        fixture('digits_f16.safetensors'),
        fixture('digits_bf16.safetensors'),
        safetensors(
          {
            __metadata__: { a: 'b' },
            x: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
            y: { dtype: 'BF16', shape: [4], data_offsets: [24, 32] },
            z: { dtype: 'I64', shape: [1], data_offsets: [32, 40] },
          },
          new Uint8Array(40),
        ),
      ],
    },
    {
      format: 'torch',
      name: 'x.pt',
      seeds: [fixture('digits_bf16.pt'), fixture('digits_strided_view.pt'), fixture('malicious.pt'), smallTorchZip()],
    },
    { format: 'torch-legacy', name: 'old.pt', seeds: [fixture('digits_legacy.pt'), smallLegacy()] },
    { format: 'hdf5', name: 'x.h5', seeds: [fixture('digits.h5'), ...(hdf5Seed ? [hdf5Seed] : [])] },
    {
      format: 'csv',
      name: 'x.csv',
      seeds: [
        fixture('digits_labels.csv'),
        text('row,label,text\n0,1,"a, b"\n1,0,"say ""hi"""\n2,1,plain\n'),
        text('x\ty\n1.5\t-2\nnan\t3e4\n'),
      ],
    },
    {
      format: 'jsonl',
      name: 'x.jsonl',
      seeds: [
        head(fixture('real/lande_meta.jsonl'), 16 << 10),
        text(
          '{"row": 0, "text": "hello", "ok": true}\n{"row": 1, "text": "w\\u00f6rld", "ok": false, "extra": [1, 2]}\n',
        ),
      ],
    },
    {
      format: 'json',
      name: 'x.json',
      seeds: [
        fixture('real/lande_lang_classes.json'),
        text(JSON.stringify({ train_idx: [0, 2, 4, 6], test_idx: [1, 3, 5] })),
      ],
    },
  ];
}

export interface CampaignReport {
  format: string;
  cases: number;
  parsed: number;
  refused: number;
  crashed: number;
  /** The most frequent refusals (numbers replaced by #), to show the mutations reach past the first check. */
  topRefusals: { problem: string; count: number }[];
  slowest: { case: number; ms: number; outcome: Outcome };
  /** Highest resident set size and JS heap seen after a case, in MiB. */
  peakRssMiB: number;
  peakHeapMiB: number;
  /** The first crashes, with how to reproduce them (campaign seed and case number). */
  failures: string[];
}

const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;

/** Runs `cases` mutated inputs of one campaign; `seed` picks the mutations. */
export async function runCampaign(c: Campaign, cases: number, seed: number): Promise<CampaignReport> {
  const r = prng(seed);
  const report: CampaignReport = {
    format: c.format,
    cases,
    parsed: 0,
    refused: 0,
    crashed: 0,
    topRefusals: [],
    slowest: { case: -1, ms: 0, outcome: 'parsed' },
    peakRssMiB: 0,
    peakHeapMiB: 0,
    failures: [],
  };
  const refusals = new Map<string, number>();
  const memory = typeof process !== 'undefined' ? process.memoryUsage : undefined;
  for (let i = 0; i < cases; i++) {
    const input = mutate(c.seeds[i % c.seeds.length], r);
    const started = performance.now();
    const { outcome, detail } = await attempt(c.name, input);
    const ms = performance.now() - started;
    report[outcome]++;
    if (ms > report.slowest.ms) report.slowest = { case: i, ms: Math.round(ms * 10) / 10, outcome };
    if (outcome === 'refused' && detail) {
      const kind = detail.replace(/\d+/g, '#').slice(0, 70);
      refusals.set(kind, (refusals.get(kind) ?? 0) + 1);
    }
    if (outcome === 'crashed' && report.failures.length < 10)
      report.failures.push(`${c.format} seed ${seed} case ${i}: ${detail}`);
    if (memory && (i % 25 === 0 || ms > 50)) {
      const m = memory();
      report.peakRssMiB = Math.max(report.peakRssMiB, mib(m.rss));
      report.peakHeapMiB = Math.max(report.peakHeapMiB, mib(m.heapUsed));
    }
  }
  report.topRefusals = [...refusals]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 5)
    .map(([problem, count]) => ({ problem, count }));
  return report;
}

/** Random opcode streams through the restricted unpickler (valid-looking opcodes, so the machine gets deep). */
export function runPickleCampaign(cases: number, seed: number): CampaignReport {
  const r = prng(seed);
  const report: CampaignReport = {
    format: 'pickle',
    cases,
    parsed: 0,
    refused: 0,
    crashed: 0,
    topRefusals: [],
    slowest: { case: -1, ms: 0, outcome: 'parsed' },
    peakRssMiB: 0,
    peakHeapMiB: 0,
    failures: [],
  };
  const opcodes = [
    0x28, 0x2e, 0x30, 0x31, 0x32, 0x4a, 0x4b, 0x4d, 0x4e, 0x51, 0x52, 0x58, 0x61, 0x62, 0x7d, 0x65, 0x68, 0x6c, 0x5d,
    0x71, 0x73, 0x74, 0x29, 0x75, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x8f, 0x90, 0x91, 0x93, 0x94, 0x81, 0x63,
  ];
  const names = [
    'storage',
    'torch',
    'FloatStorage',
    '0',
    'cpu',
    'collections',
    'OrderedDict',
    'torch._utils',
    '_rebuild_tensor_v2',
  ];
  const globals = [
    'torch\nFloatStorage\n',
    'collections\nOrderedDict\n',
    'torch._utils\n_rebuild_tensor_v2\n',
    'os\nsystem\n',
  ];
  for (let i = 0; i < cases; i++) {
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
        const s = text(names[r.int(names.length)]);
        if (op === 0x58) w.push(s.length, 0, 0, 0);
        else w.push(s.length);
        w.push(...s);
      } else if (op === 0x63) w.push(...text(globals[r.int(globals.length)]));
    }
    w.push(0x2e);
    const started = performance.now();
    let outcome: Outcome = 'parsed';
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
      outcome = e instanceof DataFileError ? 'refused' : 'crashed';
      if (outcome === 'crashed' && report.failures.length < 10)
        report.failures.push(
          `pickle seed ${seed} case ${i}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`,
        );
    }
    const ms = performance.now() - started;
    report[outcome]++;
    if (ms > report.slowest.ms) report.slowest = { case: i, ms: Math.round(ms * 10) / 10, outcome };
    if (typeof process !== 'undefined' && i % 100 === 0) {
      const m = process.memoryUsage();
      report.peakRssMiB = Math.max(report.peakRssMiB, mib(m.rss));
      report.peakHeapMiB = Math.max(report.peakHeapMiB, mib(m.heapUsed));
    }
  }
  return report;
}
