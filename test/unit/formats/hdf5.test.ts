// HDF5 through h5wasm: datasets in nested groups (chunked, gzip), dtypes, row-sliced reads, skipped
// non-numeric datasets, and corrupt files refused with DataFileError. The nested file is written here by
// libhdf5 itself (h5wasm's writer); values are checked against digits_f32.npy's raw bytes.
import { afterAll, describe, expect, it } from 'vitest';
import h5wasm from 'h5wasm';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { DataFileError } from '../../../src/core/formats/errors';
import { openHdf5 } from '../../../src/core/formats/hdf5';
import { openDataFile } from '../../../src/core/formats/open-file';
import { closeFixtures, firstMismatch, fixtureBytes, rawF32, rawI64 } from './fixtures';

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
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DataFileError);
  return err as DataFileError;
}

describe('HDF5', () => {
  it('lists datasets recursively in nested groups, chunked and gzip-compressed, and reads them', async () => {
    const bytes = await writeH5((f) => {
      const blocks = f.create_group('model').create_group('blocks.3');
      blocks.create_dataset({ name: 'hook_resid_post', data: digits, shape: [1797, 64], chunks: [100, 64], compression: 'gzip' });
      f.get('model')!;
      (f.get('model') as InstanceType<typeof h5wasm.Group>).create_dataset({ name: 'labels', data: new BigInt64Array(labels.map(BigInt)) });
      const cube = new Int16Array(24).map((_, i) => i - 12);
      f.create_group('extra').create_dataset({ name: 'cube', data: cube, shape: [2, 3, 4], chunks: [1, 3, 4], compression: 'gzip' });
      f.create_dataset({ name: 'scalar', data: 2.5 });
      f.create_dataset({ name: 'names', data: ['a', 'bb'] });
      f.create_attribute('source', 'probelab test');
    });
    const opened = await openDataFile(bytesSource('nested.h5', bytes));
    expect(opened.kind).toBe('hdf5');
    const byKey = Object.fromEntries(opened.tensors.map((t) => [t.key, t]));
    expect(Object.keys(byKey).sort()).toEqual(['extra/cube', 'model/blocks.3/hook_resid_post', 'model/labels', 'scalar']);
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
    const bytes = await writeH5((f) => { f.create_dataset({ name: 'big', data, shape: [rows, cols] }); });
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
    expect((await refusal(openHdf5(bytesSource('x.h5', new TextEncoder().encode('not hdf5 at all'))))).message).toMatch(/could not open/);
    expect((await refusal(openHdf5(bytesSource('cut.h5', bytes.subarray(0, 50_000))).then((h) => h.tensors[0].readF32()))).file).toBe('cut.h5');
    // Corrupt the deflate stream of the chunks: libhdf5 reports a failed read, which must not pass as zeros.
    const bad = bytes.slice();
    for (let i = 20_000; i < 90_000; i += 7) bad[i] ^= 0x5a;
    const err = await (async () => {
      try {
        const h = await openHdf5(bytesSource('corrupt.h5', bad));
        for (const t of h.tensors) await t.readF32();
        return undefined;
      } catch (e) { return e; }
    })();
    expect(err).toBeInstanceOf(DataFileError);
    expect((err as DataFileError).message).toMatch(/libhdf5/);
  });
});
