// .safetensors: the real files, every dtype, header-only opening, and every kind of bad offset.
import { afterAll, describe, expect, it } from 'vitest';
import { bytesSource, type ByteSource } from '../../../src/core/formats/byte-source';
import { DataFileError } from '../../../src/core/formats/errors';
import { openSafetensors } from '../../../src/core/formats/safetensors';
import { closeFixtures, firstMismatch, fixtureBytes, openFixture, rawF32, rawI64 } from './fixtures';

afterAll(closeFixtures);

/** Lays out a safetensors file: u64 header length, JSON header padded with spaces to 8 bytes, data. */
export function makeSafetensors(header: unknown, data: Uint8Array): Uint8Array {
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8) json += ' ';
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

async function refusal(p: Promise<unknown>): Promise<DataFileError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataFileError);
  return err as DataFileError;
}

describe('safetensors files', () => {
  it('layers.safetensors: six layers equal to layers_LND.npy, labels, metadata', async () => {
    const f = await openFixture('layers.safetensors');
    expect(f.kind).toBe('safetensors');
    expect(f.tensors.map((t) => t.key).sort()).toEqual([
      'labels',
      'layer_0',
      'layer_1',
      'layer_2',
      'layer_3',
      'layer_4',
      'layer_5',
    ]);
    expect(f.metadata).toEqual({ layers: '6' });
    const lnd = rawF32('layers_LND.npy');
    const per = 2000 * 32;
    for (let l = 0; l < 6; l++) {
      const t = f.tensors.find((e) => e.key === `layer_${l}`)!;
      expect(t.shape).toEqual([2000, 32]);
      const v = await t.readF32();
      expect(firstMismatch(v, lnd.subarray(l * per, (l + 1) * per))).toBe(-1);
    }
    const labels = f.tensors.find((e) => e.key === 'labels')!;
    expect(Array.from(await labels.readF32())).toEqual(rawI64('layers_labels.npy'));
  });

  it('reading one tensor touches only the header and that tensor', async () => {
    const bytes = fixtureBytes('digits.safetensors');
    const reads: [number, number][] = [];
    const src: ByteSource = {
      name: 'digits.safetensors',
      size: bytes.length,
      read: async (o, n) => {
        reads.push([o, o + n]);
        return bytes.subarray(o, o + n);
      },
    };
    const file = await openSafetensors(src);
    const headerEnd = file.dataStart;
    expect(reads.every(([, end]) => end <= headerEnd)).toBe(true);
    reads.length = 0;
    await file.tensors.find((t) => t.key === 'labels')!.readF32();
    // labels occupy data_offsets [0, 14376).
    expect(reads.length).toBeGreaterThan(0);
    for (const [from, to] of reads) {
      expect(from).toBeGreaterThanOrEqual(headerEnd);
      expect(to).toBeLessThanOrEqual(headerEnd + 14376);
    }
  });

  it('every dtype, hand-encoded', async () => {
    const parts: {
      key: string;
      dtype: string;
      bytes: number;
      put: (dv: DataView, i: number, v: number) => void;
      values: number[];
    }[] = [
      {
        key: 'f64',
        dtype: 'F64',
        bytes: 8,
        put: (dv, i, v) => dv.setFloat64(i * 8, v, true),
        values: [1.5, -2, 1e300],
      },
      {
        key: 'i64',
        dtype: 'I64',
        bytes: 8,
        put: (dv, i, v) => dv.setBigInt64(i * 8, BigInt(v), true),
        values: [-3, 2 ** 40, 7],
      },
      {
        key: 'u64',
        dtype: 'U64',
        bytes: 8,
        put: (dv, i, v) => dv.setBigUint64(i * 8, BigInt(v), true),
        values: [3, 2 ** 50, 0],
      },
      { key: 'f32', dtype: 'F32', bytes: 4, put: (dv, i, v) => dv.setFloat32(i * 4, v, true), values: [0.25, -8, 3] },
      { key: 'i32', dtype: 'I32', bytes: 4, put: (dv, i, v) => dv.setInt32(i * 4, v, true), values: [-5, 2 ** 30, 1] },
      { key: 'u32', dtype: 'U32', bytes: 4, put: (dv, i, v) => dv.setUint32(i * 4, v, true), values: [5, 2 ** 31, 1] },
      {
        key: 'f16',
        dtype: 'F16',
        bytes: 2,
        put: (dv, i, v) =>
          dv.setUint16(i * 2, ({ 1: 0x3c00, [-2]: 0xc000, 0.5: 0x3800 } as Record<number, number>)[v], true),
        values: [1, -2, 0.5],
      },
      {
        key: 'bf16',
        dtype: 'BF16',
        bytes: 2,
        put: (dv, i, v) =>
          dv.setUint16(i * 2, ({ 1: 0x3f80, [-2]: 0xc000, 3: 0x4040 } as Record<number, number>)[v], true),
        values: [1, -2, 3],
      },
      { key: 'i16', dtype: 'I16', bytes: 2, put: (dv, i, v) => dv.setInt16(i * 2, v, true), values: [-300, 7, 32767] },
      { key: 'u16', dtype: 'U16', bytes: 2, put: (dv, i, v) => dv.setUint16(i * 2, v, true), values: [300, 7, 65535] },
      { key: 'i8', dtype: 'I8', bytes: 1, put: (dv, i, v) => dv.setInt8(i, v), values: [-128, 0, 127] },
      { key: 'u8', dtype: 'U8', bytes: 1, put: (dv, i, v) => dv.setUint8(i, v), values: [255, 0, 9] },
      { key: 'bool', dtype: 'BOOL', bytes: 1, put: (dv, i, v) => dv.setUint8(i, v), values: [1, 0, 1] },
    ];
    const header: Record<string, unknown> = { __metadata__: { note: 'all dtypes' } };
    const size = parts.reduce((a, p) => a + p.bytes * 3, 0);
    const data = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      const dv = new DataView(data.buffer, at, p.bytes * 3);
      p.values.forEach((v, i) => p.put(dv, i, v));
      header[p.key] = { dtype: p.dtype, shape: [3], data_offsets: [at, at + p.bytes * 3] };
      at += p.bytes * 3;
    }
    const file = await openSafetensors(bytesSource('all.safetensors', makeSafetensors(header, data)));
    expect(file.metadata).toEqual({ note: 'all dtypes' });
    for (const p of parts) {
      const t = file.tensors.find((e) => e.key === p.key)!;
      expect(Array.from(await t.readF32()), p.key).toEqual(p.values.map(Math.fround));
    }
  });
});

describe('bad safetensors', () => {
  const data = new Uint8Array(64);
  const open = (header: unknown, d = data) =>
    openSafetensors(bytesSource('bad.safetensors', makeSafetensors(header, d)));
  const t = (dtype: string, shape: number[], begin: number, end: number) => ({
    dtype,
    shape,
    data_offsets: [begin, end],
  });

  it('offsets past the end of the data', async () => {
    const err = await refusal(open({ a: t('F32', [20], 0, 80) }));
    expect(err.message).toMatch(/run past the end of the data \(64 bytes\)/);
    expect(err.where.key).toBe('a');
  });

  it('overlapping tensors', async () => {
    const err = await refusal(open({ a: t('F32', [8], 0, 32), b: t('F32', [8], 16, 48) }));
    expect(err.message).toMatch(/overlap 'a'/);
    expect(err.where.key).toBe('b');
    expect(err.where.offset).toBeGreaterThan(16);
  });

  it('a misaligned tensor', async () => {
    const err = await refusal(open({ a: t('F32', [2], 2, 10) }));
    expect(err.message).toMatch(/misaligned/);
  });

  it('a size that is not shape x dtype', async () => {
    const err = await refusal(open({ a: t('F32', [3], 0, 16) }));
    expect(err.message).toMatch(/span 16 bytes but shape \[3\] of F32 needs 12/);
  });

  it('an unsupported dtype, bad JSON, a forged header length, a bad shape', async () => {
    expect((await refusal(open({ a: t('F8_E4M3', [4], 0, 4) }))).message).toMatch(/unsupported dtype "F8_E4M3"/);
    const bytes = makeSafetensors({ a: t('F32', [1], 0, 4) }, data);
    bytes[9] = 0x21; // break the JSON
    expect((await refusal(openSafetensors(bytesSource('j.safetensors', bytes)))).message).toMatch(/not valid JSON/);
    const forged = bytes.slice();
    new DataView(forged.buffer).setBigUint64(0, 1n << 60n, true);
    const err = await refusal(openSafetensors(bytesSource('h.safetensors', forged)));
    expect(err.where.offset).toBe(0);
    expect((await refusal(open({ a: t('F32', [-1], 0, 4) }))).message).toMatch(/shape/);
    expect((await refusal(open({ a: t('F32', [1e6, 1e6], 0, 4) }))).message).toMatch(/needs 4000000000000/);
    expect((await refusal(open({ __metadata__: { n: 3 } }))).message).toMatch(/__metadata__/);
  });

  it('a truncated file', async () => {
    const bytes = fixtureBytes('digits.safetensors');
    const err = await refusal(openSafetensors(bytesSource('cut.safetensors', bytes.subarray(0, 300_000))));
    expect(err.where.key).toBe('activations');
    expect(err.message).toMatch(/run past the end/);
  });
});
