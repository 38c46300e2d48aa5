// HDF5 through h5wasm: datasets in nested groups (chunked, gzip), dtypes, row-sliced reads, skipped
// non-numeric datasets, and corrupt files refused with DataFileError; files read by synchronous slices (never
// copied) when the source can, and copied into memory when it cannot. The nested file is written here by
// libhdf5 itself (h5wasm's writer); values are checked against digits_f32.npy's raw bytes.
import { afterAll, describe, expect, it } from 'vitest';
import h5wasm from 'h5wasm';
import { blobSource, bytesSource, subSource, type ByteSource } from '../../../src/core/formats/byte-source';
import { DataFileError } from '../../../src/core/formats/errors';
import { DEFAULT_BUDGETS } from '../../../src/core/formats/budgets';
import { openHdf5, type Hdf5File } from '../../../src/core/formats/hdf5';
import { nodeFileSource } from '../../../src/core/formats/node-source';
import { openDataFile } from '../../../src/core/formats/open-file';
import { closeFixtures, firstMismatch, fixtureBytes, fixturePath, rawF32, rawI64 } from './fixtures';

afterAll(closeFixtures);

const digits = rawF32('digits_f32.npy');
const labels = rawI64('digits_labels.npy');

async function writeH5(build: (f: InstanceType<typeof h5wasm.File>) => void): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const path = `/test-${Math.random().toString(36).slice(2)}.h5`;
  const f = new h5wasm.File(path, 'w');
  build(f);
  f.close();
  const bytes = FS!.readFile(path) as Uint8Array;
  FS!.unlink(path);
  return bytes;
}

async function refusal(p: Promise<unknown>): Promise<DataFileError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataFileError);
  return err as DataFileError;
}

/**
 * A file of `size` bytes that is `content` placed at `at` (zeros before it), read only synchronously: counts the
 * bytes handed out, can be made to fail, and its async read throws, so any whole-file copy would be caught.
 */
function syncSource(name: string, content: Uint8Array, at = 0) {
  const state = { bytesRead: 0, broken: false };
  const size = at + content.length;
  const source: ByteSource = {
    name,
    size,
    read: async () => {
      throw new Error('read asynchronously');
    },
    readSync: (offset, length) => {
      if (state.broken) throw new Error('NotReadableError: the file changed');
      const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      const from = Math.max(offset, at);
      if (offset + out.length > from) out.set(content.subarray(from - at, offset + out.length - at), from - offset);
      state.bytesRead += out.length;
      return out;
    },
  };
  return { source, state };
}

const dataset = (h: Hdf5File, key: string) => h.tensors.find((t) => t.key === key)!;

describe('HDF5', () => {
  it('lists datasets recursively in nested groups, chunked and gzip-compressed, and reads them', async () => {
    const bytes = await writeH5((f) => {
      const blocks = f.create_group('model').create_group('blocks.3');
      blocks.create_dataset({
        name: 'hook_resid_post',
        data: digits,
        shape: [1797, 64],
        chunks: [100, 64],
        compression: 'gzip',
      });
      f.get('model')!;
      (f.get('model') as InstanceType<typeof h5wasm.Group>).create_dataset({
        name: 'labels',
        data: new BigInt64Array(labels.map(BigInt)),
      });
      const cube = new Int16Array(24).map((_, i) => i - 12);
      f.create_group('extra').create_dataset({
        name: 'cube',
        data: cube,
        shape: [2, 3, 4],
        chunks: [1, 3, 4],
        compression: 'gzip',
      });
      f.create_dataset({ name: 'scalar', data: 2.5 });
      f.create_dataset({ name: 'names', data: ['a', 'bb'] });
      f.create_attribute('source', 'probelab test');
    });
    const opened = await openDataFile(bytesSource('nested.h5', bytes));
    expect(opened.kind).toBe('hdf5');
    const byKey = Object.fromEntries(opened.tensors.map((t) => [t.key, t]));
    expect(Object.keys(byKey).sort()).toEqual([
      'extra/cube',
      'model/blocks.3/hook_resid_post',
      'model/labels',
      'scalar',
    ]);
    expect(opened.skipped).toEqual([{ key: 'names', reason: 'holds strings' }]);
    expect(opened.metadata).toEqual({ source: 'probelab test' });
    const acts = byKey['model/blocks.3/hook_resid_post'];
    expect([acts.dtype, acts.shape]).toEqual(['f32', [1797, 64]]);
    expect(firstMismatch(await acts.readF32(), digits)).toBe(-1);
    expect(Array.from(await byKey['model/labels'].readF32())).toEqual(labels);
    expect(byKey['extra/cube'].dtype).toBe('i16');
    expect(Array.from(await byKey['extra/cube'].readF32())).toEqual(Array.from({ length: 24 }, (_, i) => i - 12));
    expect(byKey.scalar.shape).toEqual([]);
    expect(Array.from(await byKey.scalar.readF32())).toEqual([2.5]);
    opened.close?.();
    expect((await refusal(acts.readF32())).message).toMatch(/closed/);
  });

  it('reads a dataset larger than one slice in row slices, with progress', async () => {
    const rows = 300;
    const cols = 30_000; // 36 MB of f32: more than one 32 MiB read slice
    const data = new Float32Array(rows * cols).map((_, i) => (i % 1000) - 500);
    const bytes = await writeH5((f) => {
      f.create_dataset({ name: 'big', data, shape: [rows, cols] });
    });
    const h = await openHdf5(bytesSource('big.h5', bytes));
    const progress: number[] = [];
    const values = await h.tensors[0].readF32((done, total) => progress.push(done / total));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(1);
    expect(firstMismatch(values, data)).toBe(-1);
    h.close();
  });

  it('not HDF5, truncated and corrupted files are refused with DataFileError', async () => {
    const bytes = fixtureBytes('digits.h5');
    expect((await refusal(openHdf5(bytesSource('x.h5', new TextEncoder().encode('not hdf5 at all'))))).message).toMatch(
      /could not open/,
    );
    expect(
      (await refusal(openHdf5(bytesSource('cut.h5', bytes.subarray(0, 50_000))).then((h) => h.tensors[0].readF32())))
        .file,
    ).toBe('cut.h5');
    // Corrupt the deflate stream of the chunks: libhdf5 reports a failed read, which must not pass as zeros.
    const bad = bytes.slice();
    for (let i = 20_000; i < 90_000; i += 7) bad[i] ^= 0x5a;
    const err = await (async () => {
      try {
        const h = await openHdf5(bytesSource('corrupt.h5', bad));
        for (const t of h.tensors) await t.readF32();
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DataFileError);
    expect((err as DataFileError).message).toMatch(/libhdf5/);
  });

  it("reads h5py's digits.h5 by synchronous slices: exact values, and a 10-row slice reads a chunk, not the file", async () => {
    const bytes = fixtureBytes('digits.h5');
    const { source, state } = syncSource('digits.h5', bytes);
    const { FS } = await h5wasm.ready;
    const mountsBefore = FS!.readdir('/probelab-h5');
    const h = await openHdf5(source);
    expect(state.bytesRead).toBeLessThan(bytes.length / 10);
    const acts = dataset(h, 'activations');
    const [N, D] = acts.shape;
    const before = state.bytesRead;
    expect(firstMismatch(await acts.readRowsF32!(100, 110), digits.subarray(100 * D, 110 * D))).toBe(-1);
    expect(state.bytesRead - before).toBeLessThan(bytes.length / 4);
    expect(firstMismatch(await acts.readF32(), digits)).toBe(-1);
    expect(N).toBe(labels.length);
    expect(Array.from(await dataset(h, 'labels').readF32())).toEqual(labels);
    expect((await refusal(acts.readRowsF32!(5, N + 1))).message).toMatch(/invalid row range/);
    h.close();
    expect(FS!.readdir('/probelab-h5')).toEqual(mountsBefore);
  });

  it('a 4 GB file (digits.h5 behind a 4 GiB user block) opens and reads at offsets past 4 GiB, touching only what it needs', async () => {
    const { source, state } = syncSource('big.h5', fixtureBytes('digits.h5'), 2 ** 32);
    expect(source.size).toBeGreaterThan(DEFAULT_BUDGETS.hdf5CopyBytes);
    const h = await openHdf5(source);
    expect(firstMismatch(await dataset(h, 'activations').readF32(), digits)).toBe(-1);
    expect(Array.from(await dataset(h, 'labels').readF32())).toEqual(labels);
    expect(state.bytesRead).toBeLessThan(200_000);
    h.close();
    // Without a synchronous reader the file would have to be copied into memory, which is refused at this size.
    const copyOnly: ByteSource = { name: 'big.h5', size: source.size, read: source.read };
    expect((await refusal(openHdf5(copyOnly))).message).toMatch(/copied into memory.*over the \d+-byte limit/);
  });

  it('a source that fails mid-read gives a DataFileError naming the file, the dataset and the cause', async () => {
    const { source, state } = syncSource('digits.h5', fixtureBytes('digits.h5'));
    const h = await openHdf5(source);
    state.broken = true;
    const err = await refusal(dataset(h, 'activations').readF32());
    expect([err.file, err.where.key]).toEqual(['digits.h5', 'activations']);
    expect(err.message).toMatch(/could not read rows .*the file changed/);
    state.broken = false;
    expect(firstMismatch(await dataset(h, 'activations').readF32(), digits)).toBe(-1);
    h.close();
  });

  it("reads through the Node file source's file descriptor", async () => {
    const file = await nodeFileSource(fixturePath('digits.h5'));
    try {
      const h = await openHdf5({
        ...file,
        read: async () => {
          throw new Error('read asynchronously');
        },
      });
      expect(firstMismatch(await dataset(h, 'activations').readRowsF32!(0, 1797), digits)).toBe(-1);
      expect(Array.from(await dataset(h, 'labels').readF32())).toEqual(labels);
      h.close();
    } finally {
      await file.close();
    }
  });

  it('a window of a larger source (a container member) reads synchronously through its parent', async () => {
    const bytes = fixtureBytes('digits.h5');
    const padded = new Uint8Array(bytes.length + 3000);
    padded.set(bytes, 1000);
    const { source, state } = syncSource('outer.zip', padded);
    const h = await openHdf5(subSource(source, 1000, bytes.length, 'digits.h5'));
    expect(Array.from(await dataset(h, 'labels').readF32())).toEqual(labels);
    expect(state.bytesRead).toBeLessThan(bytes.length / 2);
    h.close();
  });

  it("a Blob without FileReaderSync (Node, or a page's main thread) is copied into memory and reads the same", async () => {
    const source = blobSource(new Blob([fixtureBytes('digits.h5')]), 'digits.h5');
    expect(source.readSync).toBeUndefined();
    const h = await openHdf5(source);
    expect(firstMismatch(await dataset(h, 'activations').readF32(), digits)).toBe(-1);
    expect(Array.from(await dataset(h, 'labels').readF32())).toEqual(labels);
    h.close();
  });
});
