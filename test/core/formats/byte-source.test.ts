// Byte sources' readInto, the one-copy path raw little-endian f32 takes into its destination: over a Blob it
// streams through a reused staging buffer (a BYOB reader), and falls back to slices where a runtime's Blob
// streams are not byte streams. Checked against the bytes themselves, across the staging size and the file's end.
import { describe, expect, it } from 'vitest';
import { blobSource, bytesSource, subSource, type ByteSource } from '../../../src/core/formats/byte-source';
import { openNpy } from '../../../src/core/formats/npy';
import { writeNpyF32 } from '../../../src/core/formats/npy-writer';

const SIZE = (5 << 20) + 12345;
const bytes = new Uint8Array(SIZE).map((_, i) => (i * 7919) % 251);

/** A Blob whose slices stream without byte-stream support (as some runtimes have it). */
function plainStreamBlob(data: Uint8Array): Blob {
  const wrap = (b: Blob): Blob =>
    ({
      size: b.size,
      slice: (start?: number, end?: number) => wrap(b.slice(start, end)),
      arrayBuffer: () => b.arrayBuffer(),
      stream: () => new ReadableStream({ start: (c) => c.close() }),
    }) as unknown as Blob;
  return wrap(new Blob([data as Uint8Array<ArrayBuffer>]));
}

/** Whether two byte ranges are equal, without a deep-equality walk over millions of entries. */
function same(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const sources: Array<[string, () => ByteSource]> = [
  ['a Blob (BYOB stream)', () => blobSource(new Blob([bytes]), 'b.bin')],
  ['a Blob without byte streams', () => blobSource(plainStreamBlob(bytes), 'b.bin')],
  ['bytes', () => bytesSource('b.bin', bytes)],
  ['a window of a Blob', () => subSource(blobSource(new Blob([new Uint8Array(7), bytes])), 7, SIZE, 'b.bin')],
];

describe.each(sources)('readInto over %s', (_, make) => {
  it('fills the destination with the bytes at the offset, across the staging size and up to the end', async () => {
    const source = make();
    for (const [offset, length] of [
      [0, 10],
      [3, (2 << 20) + 5],
      [SIZE - 100, 100],
      [1 << 20, 3 << 20],
    ]) {
      const into = new Uint8Array(length + 8).fill(0xee);
      const got = await source.readInto!(offset, into.subarray(4, 4 + length));
      expect(got).toBe(length);
      expect(same(into.subarray(4, 4 + length), bytes.subarray(offset, offset + length))).toBe(true);
      // Nothing outside the destination is written.
      expect([...into.subarray(0, 4), ...into.subarray(4 + length)]).toEqual(new Array(8).fill(0xee));
    }
  });

  it('returns fewer bytes only at the end of the file', async () => {
    const source = make();
    const into = new Uint8Array(500);
    expect(await source.readInto!(SIZE - 200, into)).toBe(200);
    expect(same(into.subarray(0, 200), bytes.subarray(SIZE - 200))).toBe(true);
    expect(await source.readInto!(SIZE + 10, into)).toBe(0);
  });
});

it('a .npy in a Blob reads into its values through readInto', async () => {
  const x = new Float32Array(3000 * 500).map((_, i) => Math.sin(i) * 1e3);
  const npy = writeNpyF32(x, [3000, 500]);
  const entry = await openNpy(blobSource(new Blob([npy as Uint8Array<ArrayBuffer>]), 'x.npy'));
  const bitsOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  expect(same(bitsOf(await entry.readF32()), bitsOf(x))).toBe(true);
  expect(same(bitsOf(await entry.readRowsF32!(1234, 2001)), bitsOf(x.subarray(1234 * 500, 2001 * 500)))).toBe(true);
});
