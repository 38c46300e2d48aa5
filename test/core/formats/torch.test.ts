// PyTorch files: nested containers of tensors and views, the allow-list (malicious.pt and friends refused with
// the global named, nothing executed), resource limits, and the legacy format.
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { DataFileError } from '../../../src/core/formats/errors';
import { openDataFile } from '../../../src/core/formats/open-file';
import { unpickle } from '../../../src/core/formats/pickle';
import { openTorchLegacy, openTorchZip, TORCH_GLOBALS } from '../../../src/core/formats/torch';
import { closeFixtures, fixtureBytes, openFixture } from './fixtures';
import { legacyTorchFile, PickleWriter } from './pickle-writer';

afterAll(closeFixtures);

/** A torch.save-shaped zip: archive/data.pkl, archive/data/<key> per storage, archive/version (all stored). */
function torchZip(pkl: Uint8Array, storages: Record<string, Uint8Array>, archive = 'archive'): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = { [`${archive}/data.pkl`]: [pkl, { level: 0 }] };
  for (const [k, v] of Object.entries(storages)) files[`${archive}/data/${k}`] = [v, { level: 0 }];
  files[`${archive}/version`] = [new TextEncoder().encode('3\n'), { level: 0 }];
  return zipSync(files);
}

async function refusal(p: Promise<unknown>): Promise<DataFileError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataFileError);
  return err as DataFileError;
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const i64 = (values: number[]) => new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('torch.save zip files', () => {
  it('nested dicts, lists and tuples flatten to dotted keys; views honour offset and strides', async () => {
    // storage 0: 0..11 as f32; storage 1: int64 10, 20, 30.
    const w = new PickleWriter().proto().emptyDict().mark();
    w.str('a').emptyDict().mark().str('b').emptyList().mark();
    w.tensor({ type: 'FloatStorage', key: '0', numel: 12, offset: 0, size: [3, 4], stride: [4, 1] }); // a.b.0: whole, C order
    w.tensor({ type: 'FloatStorage', key: '0', numel: 12, offset: 2, size: [3], stride: [4] }); // a.b.1: column 2
    w.appends().setitems();
    w.str('c').mark();
    w.tensor({ type: 'FloatStorage', key: '0', numel: 12, offset: 0, size: [4, 3], stride: [1, 4] }); // c.0: transpose
    w.str('note').int(3).tuple();
    w.str('labels').tensor({ type: 'LongStorage', key: '1', numel: 3, offset: 0, size: [3], stride: [1] });
    w.setitems().stop();
    const file = torchZip(w.bytes(), { 0: f32(range(12)), 1: i64([10, 20, 30]) });
    const t = await openTorchZip(bytesSource('nested.pt', file));
    expect(t.tensors.map((e) => e.key)).toEqual(['a.b.0', 'a.b.1', 'c.0', 'labels']);
    expect(t.metadata).toEqual({ 'c.1': 'note', 'c.2': '3' });
    const [whole, column, transposed, labels] = await Promise.all(t.tensors.map((e) => e.readF32()));
    expect(Array.from(whole)).toEqual(range(12));
    expect(Array.from(column)).toEqual([2, 6, 10]);
    // transposed[i][j] = storage[i + 4j]
    expect(Array.from(transposed)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(t.tensors[3].dtype).toBe('i64');
    expect(Array.from(labels)).toEqual([10, 20, 30]);
  });

  it('a 3-D view with a storage offset', async () => {
    // view[i][j][k] = storage[5 + 12i + 1j*4 ... ] with size [2, 2, 3], stride [12, 4, 1], offset 1
    const w = new PickleWriter()
      .proto()
      .tensor({ type: 'DoubleStorage', key: 'x', numel: 30, offset: 1, size: [2, 2, 3], stride: [12, 4, 1] })
      .stop();
    const storage = new Uint8Array(new Float64Array(range(30)).buffer);
    const [t] = (await openTorchZip(bytesSource('v.pt', torchZip(w.bytes(), { x: storage })))).tensors;
    const expected: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) for (let k = 0; k < 3; k++) expected.push(1 + 12 * i + 4 * j + k);
    expect(Array.from(await t.readF32())).toEqual(expected);
  });

  it('Parameters (_rebuild_parameter) load as their tensor', async () => {
    const w = new PickleWriter().proto().emptyDict().mark().str('weight');
    w.global('torch._utils', '_rebuild_parameter');
    w.mark()
      .tensor({ type: 'FloatStorage', key: '0', numel: 2, offset: 0, size: [2], stride: [1] })
      .bool(true);
    w.global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce();
    w.setitems().stop();
    const t = await openTorchZip(bytesSource('p.pt', torchZip(w.bytes(), { 0: f32([7, 8]) })));
    expect(t.tensors.map((e) => e.key)).toEqual(['weight']);
    expect(Array.from(await t.tensors[0].readF32())).toEqual([7, 8]);
  });

  it('a view reaching past its storage, or a missing storage member, is refused', async () => {
    const w = new PickleWriter()
      .proto()
      .tensor({ type: 'FloatStorage', key: '0', numel: 4, offset: 2, size: [2, 2], stride: [2, 1] })
      .stop();
    const err = await refusal(openTorchZip(bytesSource('o.pt', torchZip(w.bytes(), { 0: f32([1, 2, 3, 4]) }))));
    expect(err.message).toMatch(/reaches element 5 but its storage '0' has 4/);
    expect(err.where.key).toBe('archive/data.pkl');
    const w2 = new PickleWriter()
      .proto()
      .tensor({ type: 'FloatStorage', key: '7', numel: 1, offset: 0, size: [1], stride: [1] })
      .stop();
    expect((await refusal(openTorchZip(bytesSource('m.pt', torchZip(w2.bytes(), {}))))).message).toMatch(
      /no member archive\/data\/7/,
    );
    const w3 = new PickleWriter()
      .proto()
      .tensor({ type: 'FloatStorage', key: '0', numel: 100, offset: 0, size: [100], stride: [1] })
      .stop();
    expect((await refusal(openTorchZip(bytesSource('s.pt', torchZip(w3.bytes(), { 0: f32([1]) }))))).message).toMatch(
      /needs 400 bytes/,
    );
  });
});

describe('the allow-list', () => {
  it('malicious.pt is refused, naming posix.system, and nothing runs', async () => {
    const bytes = fixtureBytes('malicious.pt');
    const err = await refusal(openFixture('malicious.pt'));
    expect(err.file).toBe('malicious.pt');
    expect(err.message).toMatch(/refused global 'posix\.system'/);
    expect(err.where.key).toBe('archive/data.pkl');
    // The offset is that of the GLOBAL opcode in the file.
    expect(err.where.offset).toBe(Buffer.from(bytes).indexOf('cposix\nsystem'));
    expect(existsSync('probelab_pwned')).toBe(false);
  });

  const refusedGlobal = async (w: PickleWriter) => {
    const err = await refusal(openTorchZip(bytesSource('evil.pt', torchZip(w.bytes(), {}))));
    return err.message;
  };

  it('other ways to reach code are refused too', async () => {
    expect(await refusedGlobal(new PickleWriter().proto().str('builtins').str('eval').stackGlobal().stop())).toMatch(
      /'builtins\.eval'/,
    );
    expect(await refusedGlobal(new PickleWriter().proto().mark().str('id').inst('os', 'system').stop())).toMatch(
      /'os\.system'/,
    );
    expect(await refusedGlobal(new PickleWriter().proto().global('__builtin__', 'getattr').stop())).toMatch(
      /'__builtin__\.getattr'/,
    );
    expect(await refusedGlobal(new PickleWriter().proto().ext1(1).stop())).toMatch(/opcode EXT1 is not allowed/);
    expect(await refusedGlobal(new PickleWriter().proto().raw(0x97).stop())).toMatch(/NEXT_BUFFER/);
    // An allow-listed name that is only a value cannot be called.
    expect(
      await refusedGlobal(new PickleWriter().proto().global('torch', 'FloatStorage').emptyTuple().reduce().stop()),
    ).toMatch(/may be referenced but not called/);
  });

  it('a deeply nested pickle is refused (tuples, lists via MARK, and a list containing itself)', async () => {
    const tuples = new PickleWriter().proto().emptyTuple();
    for (let i = 0; i < 100_000; i++) tuples.tuple1();
    expect(await refusedGlobal(tuples.stop())).toMatch(/nested deeper than 100 levels/);
    const marks = new PickleWriter().proto();
    for (let i = 0; i < 100_000; i++) marks.mark();
    expect(await refusedGlobal(marks.stop())).toMatch(/more than 1000 open MARKs/);
    const cycle = new PickleWriter().proto().emptyList().binput(0);
    for (let i = 0; i < 200; i++) cycle.binget(0).append();
    expect(await refusedGlobal(cycle.stop())).toMatch(/nested deeper/);
  });

  it('the memo is bounded', () => {
    const w = new PickleWriter().proto().none();
    for (let i = 0; i < 1_000_001; i++) w.longBinput(i);
    const err = (() => {
      try {
        unpickle(w.stop().bytes(), 0, { file: 'memo.pkl', globals: TORCH_GLOBALS });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DataFileError);
    expect((err as DataFileError).message).toMatch(/memo grew past 1000000 entries/);
  });

  it('truncated and garbage pickles end in DataFileError', () => {
    const full = new PickleWriter()
      .proto()
      .tensor({ type: 'FloatStorage', key: '0', numel: 1, offset: 0, size: [1], stride: [1] })
      .stop()
      .bytes();
    for (let n = 0; n < full.length; n++) {
      expect(() =>
        unpickle(full.subarray(0, n), 0, { file: 'cut.pkl', globals: TORCH_GLOBALS, persistentLoad: () => null }),
      ).toThrow(DataFileError);
    }
  });
});

describe('legacy (pre-1.6) files', () => {
  it('digits_legacy.pt is read (values are checked in digits.test.ts)', async () => {
    const f = await openFixture('digits_legacy.pt');
    expect(f.kind).toBe('torch');
    expect(f.tensors.map((t) => [t.key, t.dtype, t.shape])).toEqual([['', 'f32', [1797, 64]]]);
  });

  it('a legacy dict of tensors sharing a storage, one a view', async () => {
    const bytes = legacyTorchFile(
      (w) => {
        w.emptyDict().mark();
        w.str('all').tensor({
          type: 'FloatStorage',
          key: 'k1',
          numel: 6,
          offset: 0,
          size: [2, 3],
          stride: [3, 1],
          legacy: true,
        });
        w.str('col').tensor({
          type: 'FloatStorage',
          key: 'k1',
          numel: 6,
          offset: 1,
          size: [2],
          stride: [3],
          legacy: true,
        });
        w.str('ids').tensor({
          type: 'IntStorage',
          key: 'k2',
          numel: 2,
          offset: 0,
          size: [2],
          stride: [1],
          legacy: true,
        });
        w.str('epoch').int(7).setitems();
      },
      [
        { key: 'k1', numel: 6, data: new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer) },
        { key: 'k2', numel: 2, data: new Uint8Array(new Int32Array([-1, 9]).buffer) },
      ],
    );
    const t = await openTorchLegacy(bytesSource('small_legacy.pt', bytes));
    expect(t.format).toBe('legacy');
    expect(t.tensors.map((e) => [e.key, e.dtype, e.shape])).toEqual([
      ['all', 'f32', [2, 3]],
      ['col', 'f32', [2]],
      ['ids', 'i32', [2]],
    ]);
    expect(t.metadata).toEqual({ epoch: '7' });
    const values = await Promise.all(t.tensors.map(async (e) => Array.from(await e.readF32())));
    expect(values).toEqual([
      [1, 2, 3, 4, 5, 6],
      [2, 5],
      [-1, 9],
    ]);
  });

  it('a truncated legacy file says it is the legacy format and how to re-save', async () => {
    const bytes = fixtureBytes('digits_legacy.pt');
    for (const n of [100, 400, 300_000]) {
      const err = await refusal(openTorchLegacy(bytesSource('old.pt', bytes.subarray(0, n))));
      expect(err.message).toMatch(/legacy \(pre-1\.6\) torch\.save format/);
      expect(err.message).toMatch(/torch\.save\(obj, path\) in torch >= 1\.6/);
    }
  });

  it('a .pt that is a bare pickle is not taken for a torch file', async () => {
    const err = await refusal(openDataFile(bytesSource('plain.pt', new PickleWriter().proto().int(1).stop().bytes())));
    expect(err.message).toMatch(/not a PyTorch file/);
  });
});
