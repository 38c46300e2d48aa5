// Row-block reads: multi-gigabyte virtual files stream with bounded memory and exact checksums; every layout
// (C and Fortran order, safetensors, stored and deflated npz) gives the same rows as numpy's own f32 file.
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { DataFileError } from '../../../src/core/formats/errors';
import { DEFAULT_BUDGETS } from '../../../src/core/formats/budgets';
import { openNpy } from '../../../src/core/formats/npy';

const MAX_ELEMENTS = DEFAULT_BUDGETS.tensorElements;
import { openNpz } from '../../../src/core/formats/npz';
import { rowBlocks } from '../../../src/core/formats/row-blocks';
import { openSafetensors } from '../../../src/core/formats/safetensors';
import type { TensorEntry } from '../../../src/core/formats/tensor-entry';
import { fixtureBytes, rawF32 } from './fixtures';
import { makeNpy } from './npy-writer';
import { npyHeader, patternSum, safetensorsHeader, value, virtualSource } from './virtual-source';

// 1,100,000 x 1,000 f32 = 4.4 GB: more than MAX_ELEMENTS, so it can only be consumed by row blocks.
const ROWS = 1_100_000;
const COLS = 1000;

async function streamAndCheck(entry: TensorEntry, fileBytes: number) {
  const mem0 = process.memoryUsage();
  let peakBuffers = 0;
  let peakRss = 0;
  let total = 0;
  let rowsSeen = 0;
  for await (const b of rowBlocks(entry, { rowsPerBlock: 4096 })) {
    expect(b.rowStart).toBe(rowsSeen);
    const v = b.values;
    expect(v.length).toBe((b.rowEnd - b.rowStart) * COLS);
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i];
    // Per block, the sum must match the formula over exactly this block's flat range: a misplaced block fails.
    const first = b.rowStart * COLS;
    expect(s).toBe(patternSum(first, first + v.length));
    // And a few values by position, so a permutation inside the block fails too.
    for (const k of [0, COLS + 7, v.length - 1]) expect(v[k]).toBe(value(first + k));
    total += s;
    rowsSeen = b.rowEnd;
    const m = process.memoryUsage();
    peakBuffers = Math.max(peakBuffers, m.arrayBuffers - mem0.arrayBuffers);
    peakRss = Math.max(peakRss, m.rss);
  }
  expect(rowsSeen).toBe(ROWS);
  expect(total).toBe(patternSum(0, ROWS * COLS));
  // A handful of 16 MiB blocks and 32 MiB read slices at most, never a copy of the file.
  expect(peakBuffers).toBeLessThan(300 << 20);
  expect(peakRss).toBeLessThan(fileBytes / 3);
}

describe('multi-gigabyte files stream by row blocks with bounded memory', () => {
  it('a 4.4 GB .npy', async () => {
    const source = virtualSource('huge.npy', npyHeader([ROWS, COLS]), ROWS * COLS);
    const entry = await openNpy(source);
    expect(entry.shape).toEqual([ROWS, COLS]);
    await streamAndCheck(entry, source.size);
  });

  it('a 4.4 GB .safetensors', async () => {
    const source = virtualSource('huge.safetensors', safetensorsHeader('resid', [ROWS, COLS]), ROWS * COLS);
    const { tensors } = await openSafetensors(source);
    await streamAndCheck(tensors[0], source.size);
  });

  it('a tensor above MAX_ELEMENTS is refused whole, naming the row-block alternative', async () => {
    expect(ROWS * COLS).toBeGreaterThan(MAX_ELEMENTS);
    const entry = await openNpy(virtualSource('huge.npy', npyHeader([ROWS, COLS]), ROWS * COLS));
    const err = await entry.readF32().then(
      () => undefined,
      (e) => e,
    );
    expect(err).toBeInstanceOf(DataFileError);
    expect(err.message).toMatch(/more than the 1073741824 .* row blocks/);
  });
});

describe("row blocks equal numpy's f32 digits in every layout", () => {
  const digits = rawF32('digits_f32.npy'); // [1797, 64], written by numpy
  const D = 64;
  const rowsOfDigits = (a: number, b: number) => digits.subarray(a * D, b * D);

  async function expectRows(entry: TensorEntry, tol = 0) {
    expect(entry.shape).toEqual([1797, 64]);
    for (const [a, b] of [
      [0, 1],
      [5, 300],
      [1000, 1797],
      [1796, 1797],
      [7, 7],
    ]) {
      const got = await entry.readRowsF32!(a, b);
      const want = rowsOfDigits(a, b);
      expect(got.length).toBe(want.length);
      for (let i = 0; i < got.length; i++)
        if (Math.abs(got[i] - want[i]) > tol) expect([a, b, i, got[i]]).toEqual([a, b, i, want[i]]);
    }
    let n = 0;
    for await (const b of rowBlocks(entry, { rowsPerBlock: 250 })) {
      expect(b.values).toEqual(rowsOfDigits(b.rowStart, b.rowEnd));
      n++;
    }
    expect(n).toBe(8);
  }

  it('f64 in Fortran order (numpy)', async () =>
    expectRows(await openNpy(bytesSource('f.npy', fixtureBytes('digits_f64_fortran.npy')))));
  it('big-endian f32 (numpy)', async () =>
    expectRows(await openNpy(bytesSource('b.npy', fixtureBytes('digits_f32_bigendian.npy')))));
  it('safetensors', async () => {
    const { tensors } = await openSafetensors(bytesSource('d.safetensors', fixtureBytes('digits.safetensors')));
    await expectRows(tensors.find((t) => t.shape.length === 2)!);
  });
  it('deflate-compressed npz member', async () => {
    const tensors = await openNpz(bytesSource('d.npz', fixtureBytes('digits_compressed.npz')));
    await expectRows(tensors.find((t) => t.shape.length === 2)!);
  });

  it('Fortran order, 3-D, from a column-major layout built in the test', async () => {
    const [A, B, C] = [5, 3, 4];
    const body = new Float32Array(A * B * C);
    // Fortran order: element (i, j, k) at i + A*(j + B*k); its value encodes (i, j, k).
    for (let i = 0; i < A; i++)
      for (let j = 0; j < B; j++) for (let k = 0; k < C; k++) body[i + A * (j + B * k)] = 100 * i + 10 * j + k;
    const entry = await openNpy(
      bytesSource('f.npy', makeNpy('<f4', [A, B, C], new Uint8Array(body.buffer), { fortran: true })),
    );
    const rows = await entry.readRowsF32!(1, 3); // sparse (2 of 5 rows) and dense paths
    const all = await entry.readRowsF32!(0, 5);
    const expected = (i0: number, i1: number) => {
      const out: number[] = [];
      for (let i = i0; i < i1; i++)
        for (let j = 0; j < B; j++) for (let k = 0; k < C; k++) out.push(100 * i + 10 * j + k);
      return out;
    };
    expect(Array.from(rows)).toEqual(expected(1, 3));
    expect(Array.from(all)).toEqual(expected(0, 5));
  });

  it('an invalid row range is a typed error', async () => {
    const entry = await openNpy(bytesSource('d.npy', fixtureBytes('digits_f32.npy')));
    await expect(entry.readRowsF32!(10, 1798)).rejects.toThrow(/invalid row range \[10, 1798\)/);
  });
});
