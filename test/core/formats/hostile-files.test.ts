// The hostile-file corpus in Node: every generated file ends in a typed DataFileError naming the file and where,
// or reads correctly, within a bound on the bytes the readers take (counted, not timed). Valid files written by
// numpy, PyTorch, h5py and safetensors still read exactly as those libraries read them.
import { afterAll, describe, expect, it } from 'vitest';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { DataFileError } from '../../../src/core/formats/errors';
import { openDataFile } from '../../../src/core/formats/open-file';
import { openHdf5, type Hdf5File } from '../../../src/core/formats/hdf5';
import { closeFixtures, fixtureBytes, openFixture, rawF32 } from './fixtures';
import { expectGoodRefusal, hostileCorpus, runHostile } from './hostile-corpus';

afterAll(closeFixtures);

describe('hostile files: a typed error or a correct read, within counted bounds', () => {
  for (const c of hostileCorpus()) {
    it(`${c.name}: ${c.about}`, async () => {
      const r = await runHostile(c);
      if (r.outcome === 'crashed') throw r.error;
      if (c.expect === 'refused') {
        expect(r.outcome, `${c.name} was not refused`).toBe('refused');
        expectGoodRefusal(c, r.error);
      } else {
        if (r.error) throw r.error;
        expect(r.outcome).toBe('parsed');
      }
      expect(r.source.stats.bytes).toBeLessThanOrEqual(c.maxRead ?? 2 * r.source.size + (1 << 20));
      if (c.read === 'blocks') expect(r.blocks).toBeLessThanOrEqual(c.maxBlocks ?? 64);
    });
  }
});

describe('valid files still read as numpy, torch, h5py and safetensors read them', () => {
  const digits = rawF32('digits_f32.npy');
  const exact = [
    'digits_f32.npy',
    'digits_f32_bigendian.npy',
    'digits_f64_fortran.npy',
    'digits.safetensors',
    'digits.h5',
    'digits_dict.pt',
    'digits_legacy.pt',
    'digits_strided_view.pt',
    'digits_compressed.npz',
  ];
  for (const name of exact) {
    it(name, async () => {
      const f = await openFixture(name);
      const t = f.tensors.find((e) => e.shape.length === 2 && e.shape[1] === 64)!;
      // The strided view is rows 0, 2, 4, ... of the same storage (x[::2] in torch).
      const step = name === 'digits_strided_view.pt' ? 2 : 1;
      expect(t.shape).toEqual([Math.ceil(1797 / step), 64]);
      const v = await t.readF32();
      let bad = -1;
      for (let i = 0; i < v.length && bad < 0; i++) {
        const [r, c] = [Math.floor(i / 64), i % 64];
        if (v[i] !== digits[r * step * 64 + c]) bad = i;
      }
      expect(bad).toBe(-1);
      f.close?.();
    });
  }
});

describe('HDF5 errors carry only their own call’s frames', () => {
  it('a failed read after an earlier failure names only its own problem', async () => {
    // First a read that fails inside libhdf5 (a chunk cut off), then an unrelated bad open.
    const bytes = fixtureBytes('digits.h5');
    const cut: Hdf5File | DataFileError = await openHdf5(
      bytesSource('cut.h5', bytes.subarray(0, Math.floor(bytes.length * 0.6))),
    ).catch((e: DataFileError) => e);
    if (!(cut instanceof DataFileError)) {
      const read = await Promise.all(cut.tensors.map((t) => t.readF32().catch((e: unknown) => e)));
      cut.close();
      expect(read.some((e) => e instanceof DataFileError)).toBe(true);
    }
    const second = await openDataFile(bytesSource('other.h5', fixtureBytes('digits.h5').subarray(0, 512))).catch(
      (e: unknown) => e,
    );
    expect(second).toBeInstanceOf(DataFileError);
    const msg = (second as DataFileError).message;
    expect(msg.startsWith('other.h5: ')).toBe(true);
    expect(msg).not.toMatch(/H5D__read|could not read rows/);
  });
});
