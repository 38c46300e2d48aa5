// Format detection (magic bytes before extensions), the finiteness scan on bad_has_nan.npy, and the Node source.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { DataFileError } from '../../../src/core/formats/errors';
import { nodeFileSource } from '../../../src/core/formats/node-source';
import { detectKind, dropRows, nonFiniteError, openDataFile, scanFinite } from '../../../src/core/formats/open-file';
import { closeFixtures, fixtureBytes, openFixture, rawF32 } from './fixtures';

afterAll(closeFixtures);

async function refusal(p: Promise<unknown>): Promise<DataFileError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataFileError);
  return err as DataFileError;
}

describe('detection', () => {
  it('magic bytes win over a misleading extension', async () => {
    const cases: [fixture: string, renamed: string, kind: string][] = [
      ['digits_f32.npy', 'acts.bin', 'npy'],
      ['digits.safetensors', 'acts.npy.tmp', 'safetensors'],
      ['digits_dict.pt', 'weights.npz', 'torch'],
      ['breast_cancer.npz', 'data.pt', 'npz'],
      ['digits.h5', 'x.dat', 'hdf5'],
      ['digits_legacy.pt', 'old.bin', 'torch'],
      ['digits_labels.csv', 'labels', 'table'],
    ];
    for (const [fixture, renamed, kind] of cases) {
      const f = await openDataFile(bytesSource(renamed, fixtureBytes(fixture)));
      expect(f.kind, fixture).toBe(kind);
      expect(f.file).toBe(renamed);
      f.close?.();
    }
  });

  it('the extension decides when there is no magic, and unknown binaries are refused', async () => {
    expect(detectKind(new Uint8Array([1, 2, 3]), 'x.npy', 3)).toBe('npy');
    expect((await refusal(openDataFile(bytesSource('x.npy', new Uint8Array([1, 2, 3]))))).message).toMatch(/magic/);
    expect((await refusal(openDataFile(bytesSource('x.bin', new Uint8Array([0, 1, 2, 3]))))).message).toMatch(
      /unrecognised format/,
    );
    expect((await refusal(openDataFile(bytesSource('empty.npy', new Uint8Array(0))))).message).toMatch(/empty/);
  });
});

describe('finiteness', () => {
  it('bad_has_nan.npy: one NaN at row 5, column 3 and one +Inf at row 7, column 1', async () => {
    const f = await openFixture('bad_has_nan.npy');
    const [t] = f.tensors;
    const values = await t.readF32();
    const report = scanFinite(values, t.shape);
    expect(report).toEqual({
      nan: 1,
      posInf: 1,
      negInf: 0,
      first: [
        { row: 5, col: 3, kind: 'NaN' },
        { row: 7, col: 1, kind: '+Inf' },
      ],
      rows: [5, 7],
    });
    const err = nonFiniteError(f.file, t.key, report)!;
    expect(err.message).toMatch(
      /1 NaN, 1 \+Inf and 0 -Inf values in 2 rows \(NaN at row 5, column 3; \+Inf at row 7, column 1\)/,
    );
    expect(err.where.row).toBe(5);
    // Dropping those rows leaves the other digits rows intact.
    const { values: kept, shape } = dropRows(values, t.shape, report.rows);
    expect(shape).toEqual([1795, 64]);
    const digits = rawF32('digits_f32.npy');
    expect(Array.from(kept.subarray(5 * 64, 6 * 64))).toEqual(Array.from(digits.subarray(6 * 64, 7 * 64)));
    expect(scanFinite(kept, shape).nan + scanFinite(kept, shape).posInf).toBe(0);
  });

  it('counts -Inf, caps the positions listed, and handles 1-D and 3-D', () => {
    const v = new Float32Array([0, -Infinity, NaN, 1, Infinity, NaN]);
    const r = scanFinite(v, [6], 2);
    expect([r.nan, r.posInf, r.negInf]).toEqual([2, 1, 1]);
    expect(r.first).toEqual([
      { row: 1, col: 0, kind: '-Inf' },
      { row: 2, col: 0, kind: 'NaN' },
    ]);
    expect(scanFinite(v, [1, 2, 3]).first[0]).toEqual({ row: 0, col: 1, kind: '-Inf' });
    expect(nonFiniteError('f', '', scanFinite(new Float32Array([1, 2]), [2]))).toBeUndefined();
  });
});

describe('node file source', () => {
  it('reads slices, short at the end of file, and empty past it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probelab-'));
    const path = join(dir, 'ten.bin');
    writeFileSync(
      path,
      Uint8Array.from({ length: 10 }, (_, i) => i),
    );
    const src = await nodeFileSource(path);
    expect([src.name, src.size]).toEqual(['ten.bin', 10]);
    expect(Array.from(await src.read(2, 3))).toEqual([2, 3, 4]);
    expect(Array.from(await src.read(8, 10))).toEqual([8, 9]);
    expect((await src.read(20, 5)).length).toBe(0);
    const into = new Uint8Array(4).fill(99);
    expect(await src.readInto!(7, into)).toBe(3);
    expect(Array.from(into)).toEqual([7, 8, 9, 99]);
    await src.close();
  });

  it("decodes numpy's f32 .npy straight from the file into the values, equal to the in-memory read", async () => {
    const bytes = fixtureBytes('digits_f32.npy');
    const dir = mkdtempSync(join(tmpdir(), 'probelab-'));
    const path = join(dir, 'digits_f32.npy');
    writeFileSync(path, bytes);
    const src = await nodeFileSource(path);
    const fromFile = await (await openDataFile(src)).tensors[0].readF32();
    const inMemory = await (await openDataFile(bytesSource('digits_f32.npy', bytes))).tensors[0].readF32();
    expect(fromFile).toEqual(inMemory);
    // A file cut short inside the values is named with the byte where it ended.
    const cut = join(dir, 'cut.npy');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    const cutSource = await nodeFileSource(cut);
    const err = await refusal(openDataFile(cutSource).then((f) => f.tensors[0].readF32()));
    expect(err.message).toMatch(/truncated|ended at byte/);
    await src.close();
    await cutSource.close();
  });
});
