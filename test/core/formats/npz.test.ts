// .npz and the zip layer under it: real numpy archives (stored and deflated), lazy reads of stored members,
// ZIP64, and hostile archives (zip bombs, forged sizes, bad CRCs) refused with DataFileError.
import { afterAll, describe, expect, it } from 'vitest';
import { deflateSync } from 'fflate';
import { bytesSource, type ByteSource } from '../../../src/core/formats/byte-source';
import { DataFileError } from '../../../src/core/formats/errors';
import { openNpz } from '../../../src/core/formats/npz';
import { openZip } from '../../../src/core/formats/zip';
import { closeFixtures, fixtureBytes, openFixture, sum } from './fixtures';
import { makeNpy } from './npy-writer';
import { makeZip } from './zip-writer';

afterAll(closeFixtures);

/** Records every read, to check which bytes a parser touched. */
function recording(src: ByteSource) {
  const reads: [number, number][] = [];
  return {
    reads,
    source: {
      ...src,
      read: (o: number, n: number) => {
        reads.push([o, o + n]);
        return src.read(o, n);
      },
    },
  };
}

async function refusal(p: Promise<unknown>): Promise<DataFileError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataFileError);
  return err as DataFileError;
}

const f32npy = (values: number[], shape = [values.length]) =>
  makeNpy('<f4', shape, new Uint8Array(new Float32Array(values).buffer));

describe('numpy archives', () => {
  it('breast_cancer.npz (stored): X float64 [569, 30] and y int64, against numpy', async () => {
    const f = await openFixture('breast_cancer.npz');
    expect(f.kind).toBe('npz');
    const [X, y] = f.tensors;
    expect([X.key, X.dtype, X.shape]).toEqual(['X', 'f64', [569, 30]]);
    expect([y.key, y.dtype, y.shape]).toEqual(['y', 'i64', [569]]);
    const xv = await X.readF32();
    // numpy: X.sum() = 1056474.4596356; first values 17.99, 10.38, 122.8, last 0.07039 (f32 here).
    expect(sum(xv) / 1056474.4596356).toBeCloseTo(1, 6);
    expect(Array.from(xv.subarray(0, 3))).toEqual([17.99, 10.38, 122.8].map(Math.fround));
    expect(xv[xv.length - 1]).toBe(Math.fround(0.07039));
    expect(sum(await y.readF32())).toBe(357);
  });

  it('contrast_pairs.npz: x_plus, x_minus [1000, 48] and truth, against numpy', async () => {
    const f = await openFixture('contrast_pairs.npz');
    const byKey = Object.fromEntries(f.tensors.map((t) => [t.key, t]));
    expect(Object.keys(byKey)).toEqual(['x_plus', 'x_minus', 'truth']);
    expect(byKey.x_plus.shape).toEqual([1000, 48]);
    expect(byKey.x_minus.shape).toEqual([1000, 48]);
    expect(byKey.truth.shape).toEqual([1000]);
    const plus = await byKey.x_plus.readF32();
    const minus = await byKey.x_minus.readF32();
    expect(sum(plus)).toBeCloseTo(47514.008079049534, 6);
    expect(sum(minus)).toBeCloseTo(-48342.23517743306, 6);
    expect(plus[0]).toBe(Math.fround(2.065629482269287));
    expect(minus[minus.length - 1]).toBe(Math.fround(0.48344293236732483));
    expect(sum(await byKey.truth.readF32())).toBe(484);
  });

  it('a stored member is read lazily: reading y touches only y', async () => {
    const bytes = fixtureBytes('breast_cancer.npz');
    const { reads, source } = recording(bytesSource('breast_cancer.npz', bytes));
    const [, y] = await openNpz(source);
    reads.length = 0;
    await y.readF32();
    // y.npy is the last member; its data starts after X's 136,688 bytes plus two local headers.
    expect(reads.length).toBeGreaterThan(0);
    for (const [from] of reads) expect(from).toBeGreaterThan(136_688);
  });

  it('reads ZIP64 archives (64-bit sizes in the extra field and a ZIP64 end record)', async () => {
    const zip = makeZip([
      { name: 'a.npy', data: f32npy([1, 2, 3]), zip64: true },
      { name: 'b.npy', data: f32npy([4, 5]), method: 8, zip64: true },
    ]);
    const tensors = await openNpz(bytesSource('z64.npz', zip));
    expect(await Promise.all(tensors.map(async (t) => [t.key, Array.from(await t.readF32())]))).toEqual([
      ['a', [1, 2, 3]],
      ['b', [4, 5]],
    ]);
  });

  it('an error inside a stored member names the array and its offset in the file', async () => {
    const bytes = makeZip([
      { name: 'ok.npy', data: f32npy([1]) },
      { name: 'bad.npy', data: makeNpy('<c8', [1], new Uint8Array(8)) },
    ]);
    const err = await refusal(openNpz(bytesSource('m.npz', bytes)));
    expect(err.file).toBe('m.npz');
    expect(err.where.key).toBe('bad');
    expect(err.message).toMatch(/unsupported dtype '<c8'/);
    const at = bytes.indexOf(0x93, 60); // the second member's \x93NUMPY
    expect(err.where.offset).toBe(at + 10);
  });
});

describe('hostile archives', () => {
  it('a zip bomb (a small declared size, a stream that inflates to 32 MiB) is stopped at the declared size', async () => {
    const header = f32npy([1, 2, 3, 4]);
    const payload = new Uint8Array(header.length + (32 << 20));
    payload.set(header);
    const bomb = deflateSync(payload, { level: 9 });
    expect(bomb.length).toBeLessThan(64 << 10);
    const zip = makeZip([{ name: 'x.npy', data: bomb, method: 8, raw: true, uncompressedSize: header.length, crc: 0 }]);
    const before = process.memoryUsage().arrayBuffers;
    const err = await refusal(openNpz(bytesSource('bomb.npz', zip)).then((t) => t[0].readF32()));
    expect(err.message).toMatch(/inflates to more than the \d+ bytes the zip declares/);
    expect(err.where.key).toBe('x.npy');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100 << 20);
  });

  it('a declared size beyond what deflate can produce is refused before inflating', async () => {
    const zip = makeZip([{ name: 'x.npy', data: f32npy([1, 2]), method: 8, uncompressedSize: 4_000_000_000 }]);
    const err = await refusal(openNpz(bytesSource('forged.npz', zip)));
    expect(err.message).toMatch(/beyond what deflate can produce/);
  });

  it('a header claiming 10^12 elements in a small member is refused before allocating', async () => {
    const zip = makeZip([
      { name: 'x.npy', data: makeNpy('<f4', [1_000_000, 1_000_000], new Uint8Array(16)), method: 8 },
    ]);
    const before = process.memoryUsage().arrayBuffers;
    const err = await refusal(openNpz(bytesSource('huge.npz', zip)));
    expect(err.message).toMatch(/npy header describes 4000000000\d+ bytes/);
    expect(err.where.key).toBe('x');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });

  it('a CRC mismatch in a deflated member is reported when it is read', async () => {
    const zip = makeZip([{ name: 'x.npy', data: f32npy([1, 2, 3]), method: 8, crc: 12345 }]);
    // A member this small is inflated whole while its header is read, so the mismatch shows at open.
    expect((await refusal(openNpz(bytesSource('crc.npz', zip)).then((t) => t[0].readF32()))).message).toMatch(/CRC-32/);
    // In a larger one it shows when the values are read to the end.
    const big = fixtureBytes('digits_compressed.npz').slice();
    const first = big.findIndex(
      (_, i) => big[i] === 0x50 && big[i + 1] === 0x4b && big[i + 2] === 1 && big[i + 3] === 2,
    );
    expect(first).toBeGreaterThan(0);
    big[first + 16] ^= 0xff; // the first central directory record's CRC-32
    const [acts] = await openNpz(bytesSource('digits_compressed.npz', big));
    expect((await refusal(acts.readF32())).message).toMatch(/CRC-32/);
  });

  it('a deflate stream that ends early, unsupported methods and encryption are refused', async () => {
    const data = f32npy([1, 2, 3]);
    const cut = deflateSync(data).subarray(0, 20);
    const short = makeZip([{ name: 'x.npy', data: cut, method: 8, raw: true, uncompressedSize: data.length }]);
    expect((await refusal(openNpz(bytesSource('s.npz', short)))).message).toMatch(
      /deflate data is corrupt|inflates to/,
    );
    const bz = makeZip([{ name: 'x.npy', data, method: 12, raw: true, uncompressedSize: data.length }]);
    expect((await refusal(openNpz(bytesSource('b.npz', bz)))).message).toMatch(/compression method 12/);
    const enc = makeZip([{ name: 'x.npy', data, flags: 1 }]);
    expect((await refusal(openNpz(bytesSource('e.npz', enc)))).message).toMatch(/encrypted/);
  });

  it('a truncated archive, a central directory past the end and a non-npz zip are refused', async () => {
    const bytes = fixtureBytes('breast_cancer.npz');
    expect((await refusal(openZip(bytesSource('t.npz', bytes.subarray(0, 100_000))))).message).toMatch(
      /end-of-central-directory/,
    );
    const moved = bytes.slice();
    new DataView(moved.buffer).setUint32(moved.length - 6, moved.length, true); // central directory offset
    expect((await refusal(openZip(bytesSource('m.npz', moved)))).message).toMatch(/central directory/);
    const other = makeZip([{ name: 'readme.txt', data: new TextEncoder().encode('hi') }]);
    expect((await refusal(openNpz(bytesSource('o.zip', other)))).message).toMatch(/no \.npy members/);
  });
});
