// .npy: every dtype and byte order, header versions 1-3, Fortran order, and the malformed fixtures.
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { DataFileError } from '../../../src/core/formats/errors';
import { openNpy } from '../../../src/core/formats/npy';
import { fixtureBytes } from './fixtures';
import { makeNpy } from './npy-writer';

const VALUES = [0, 1, -2, 3, 100, -7];
type Writer = (dv: DataView, i: number, v: number, le: boolean) => void;
const CASES: [descr: string, bytes: number, write: Writer, values: number[]][] = [
  ['i1', 1, (dv, i, v) => dv.setInt8(i, v), VALUES],
  ['u1', 1, (dv, i, v) => dv.setUint8(i, v), [0, 1, 2, 3, 200, 255]],
  ['i2', 2, (dv, i, v, le) => dv.setInt16(i * 2, v, le), [0, 1, -2, 3, 30000, -30000]],
  ['u2', 2, (dv, i, v, le) => dv.setUint16(i * 2, v, le), [0, 1, 2, 3, 60000, 65535]],
  ['i4', 4, (dv, i, v, le) => dv.setInt32(i * 4, v, le), [0, 1, -2, 3, 2 ** 31 - 1, -(2 ** 31)]],
  ['u4', 4, (dv, i, v, le) => dv.setUint32(i * 4, v, le), [0, 1, 2, 3, 2 ** 32 - 1, 12345]],
  ['i8', 8, (dv, i, v, le) => dv.setBigInt64(i * 8, BigInt(v), le), [0, 1, -2, 3, 2 ** 40, -(2 ** 40)]],
  ['u8', 8, (dv, i, v, le) => dv.setBigUint64(i * 8, BigInt(v), le), [0, 1, 2, 3, 2 ** 52, 77]],
  [
    'f2',
    2,
    (dv, i, v, le) =>
      dv.setUint16(
        i * 2,
        ({ 0: 0x0000, 1: 0x3c00, [-2]: 0xc000, 3: 0x4200, 0.5: 0x3800, 65504: 0x7bff } as Record<number, number>)[v],
        le,
      ),
    [0, 1, -2, 3, 0.5, 65504],
  ],
  ['f4', 4, (dv, i, v, le) => dv.setFloat32(i * 4, v, le), [0, 1.5, -2.25, 3, 1e30, -1e-30].map(Math.fround)],
  ['f8', 8, (dv, i, v, le) => dv.setFloat64(i * 8, v, le), [0, 1.5, -2.25, 3, 1e30, -1e-30].map(Math.fround)],
];

describe('.npy dtypes and layouts', () => {
  for (const [code, size, write, values] of CASES) {
    for (const order of size === 1 ? ['|'] : ['<', '>']) {
      it(`${order}${code}`, async () => {
        const body = new Uint8Array(values.length * size);
        const dv = new DataView(body.buffer);
        values.forEach((v, i) => write(dv, i, v, order !== '>'));
        const entry = await openNpy(bytesSource('x.npy', makeNpy(`${order}${code}`, [2, 3], body)));
        expect(entry.shape).toEqual([2, 3]);
        expect(Array.from(await entry.readF32())).toEqual(values.map(Math.fround));
      });
    }
  }

  it('bool', async () => {
    const entry = await openNpy(bytesSource('b.npy', makeNpy('|b1', [4], new Uint8Array([1, 0, 0, 1]))));
    expect(entry.dtype).toBe('bool');
    expect(Array.from(await entry.readF32())).toEqual([1, 0, 0, 1]);
  });

  it('header versions 2 and 3 (4-byte header length; v3 is UTF-8)', async () => {
    const body = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    for (const version of [2, 3] as const) {
      const entry = await openNpy(bytesSource('v.npy', makeNpy('<f4', [3], body, { version })));
      expect(Array.from(await entry.readF32())).toEqual([1, 2, 3]);
    }
  });

  it('Fortran order of rank 3 is transposed to row-major', async () => {
    // Element (i, j, k) of shape [2, 3, 4] holds 100i + 10j + k; Fortran order stores i fastest.
    const shape = [2, 3, 4];
    const f = new Float32Array(24);
    let n = 0;
    for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) f[n++] = 100 * i + 10 * j + k;
    const entry = await openNpy(
      bytesSource('f.npy', makeNpy('<f4', shape, new Uint8Array(f.buffer), { fortran: true })),
    );
    const c: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) c.push(100 * i + 10 * j + k);
    expect(Array.from(await entry.readF32())).toEqual(c);
  });
});

describe('.npy errors', () => {
  const fails = async (bytes: Uint8Array, name = 'bad.npy') => {
    const err = await openNpy(bytesSource(name, bytes))
      .then((e) => e.readF32())
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(DataFileError);
    return err as DataFileError;
  };

  it('bad_truncated.npy: truncated, at the end of the file', async () => {
    const bytes = fixtureBytes('bad_truncated.npy');
    const err = await fails(bytes, 'bad_truncated.npy');
    expect(err.file).toBe('bad_truncated.npy');
    expect(err.message).toMatch(/truncated/);
    expect(err.where.offset).toBe(bytes.length);
  });

  it('bad_header.npy: the header length points past the end', async () => {
    const err = await fails(fixtureBytes('bad_header.npy'), 'bad_header.npy');
    expect(err.message).toMatch(/header length field says 65535 bytes/);
    expect(err.where.offset).toBe(8);
  });

  it('a header claiming 10^12 elements is refused before anything is allocated', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const err = await fails(makeNpy('<f4', [1_000_000, 1_000_000], new Uint8Array(64)));
    expect(err.message).toMatch(/1000000000000 elements/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });

  it('unsupported and structured dtypes are named', async () => {
    expect((await fails(makeNpy('<c8', [1], new Uint8Array(8)))).message).toMatch(/unsupported dtype '<c8'/);
    expect((await fails(makeNpy('|O', [1], new Uint8Array(8)))).message).toMatch(/unsupported dtype '\|O'/);
    const text =
      "\x93NUMPY\x01\x00\x45\x00{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }\n\0\0\0\0";
    const structured = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect((await fails(structured)).message).toMatch(/not a numpy header dict|unsupported/);
  });

  it('not an npy at all, and an empty file', async () => {
    expect((await fails(new TextEncoder().encode('hello world'))).message).toMatch(/magic/);
    expect((await fails(new Uint8Array(0))).message).toMatch(/magic/);
  });
});
