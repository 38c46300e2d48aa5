// Generators for hostile inputs that would be too large to commit: deflate streams of zeros written bit by bit (a
// gigabyte in a few megabytes, in milliseconds), archives of a million entries written straight into one buffer,
// and byte sources that count what the readers read. Independent of the readers under test; Node and browser alike.
import type { ByteSource } from '../../../src/core/formats/byte-source';

/** Bits written least-significant first, as DEFLATE packs them. */
class BitWriter {
  private out: Uint8Array;
  private len = 0;
  private bit = 0;
  private cur = 0;
  constructor(capacity: number) {
    this.out = new Uint8Array(capacity);
  }
  bits(value: number, count: number): void {
    for (let i = 0; i < count; i++) {
      this.cur |= ((value >>> i) & 1) << this.bit;
      if (++this.bit === 8) {
        this.out[this.len++] = this.cur;
        this.cur = 0;
        this.bit = 0;
      }
    }
  }
  /** A Huffman code: its bits go most-significant first. */
  code(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) this.bits((value >>> i) & 1, 1);
  }
  finish(): Uint8Array {
    if (this.bit) this.out[this.len++] = this.cur;
    return this.out.slice(0, this.len);
  }
}

/**
 * A raw DEFLATE stream inflating to exactly `n` zero bytes (n >= 1): one fixed-Huffman block of a literal zero and
 * then length-258, distance-1 matches (13 bits per 258 bytes, the densest DEFLATE allows).
 */
export function deflateZeros(n: number): Uint8Array {
  const matches = Math.floor((n - 1) / 258);
  const literals = (n - 1) % 258;
  const w = new BitWriter(Math.ceil((3 + 8 * (1 + literals) + 13 * matches + 7) / 8) + 8);
  w.bits(1, 1); // BFINAL
  w.bits(1, 2); // BTYPE = fixed Huffman
  w.code(0x30, 8); // literal 0
  for (let i = 0; i < matches; i++) {
    w.code(0xc5, 8); // length code 285: 258
    w.code(0, 5); // distance code 0: 1
  }
  for (let i = 0; i < literals; i++) w.code(0x30, 8);
  w.code(0, 7); // end of block
  return w.finish();
}

/** CRC-32 of `n` zero bytes (computed, not tabulated: tests keep n to tens of megabytes). */
export function crc32OfZeros(n: number): number {
  const table = new Uint32Array(256);
  for (let k = 0; k < 256; k++) {
    let c = k;
    for (let j = 0; j < 8; j++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[k] = c >>> 0;
  }
  let c = ~0;
  for (let i = 0; i < n; i++) c = table[c & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export interface CountedSource extends ByteSource {
  /** Bytes handed out so far, and read calls made. */
  readonly stats: { bytes: number; reads: number };
}

/** Wraps a source to count what the readers take from it (the bound hostile-file tests assert). */
export function countingSource(source: ByteSource): CountedSource {
  const stats = { bytes: 0, reads: 0 };
  const counted: CountedSource = {
    name: source.name,
    size: source.size,
    stats,
    read: async (offset, length) => {
      const b = await source.read(offset, length);
      stats.bytes += b.length;
      stats.reads++;
      return b;
    },
  };
  if (source.readSync) {
    const sync = source.readSync.bind(source);
    counted.readSync = (offset, length) => {
      const b = sync(offset, length);
      stats.bytes += b.length;
      stats.reads++;
      return b;
    };
  }
  return counted;
}

/** A stored zip of `count` members laid out by `member(i)` (name and data), written into one buffer. */
export function bulkZip(count: number, member: (i: number) => { name: string; data: Uint8Array }): Uint8Array {
  const enc = new TextEncoder();
  const items = Array.from({ length: count }, (_, i) => {
    const m = member(i);
    return { name: enc.encode(m.name), data: m.data };
  });
  let localBytes = 0;
  let centralBytes = 0;
  for (const it of items) {
    localBytes += 30 + it.name.length + it.data.length;
    centralBytes += 46 + it.name.length;
  }
  // Past 65,535 entries the count needs the ZIP64 end record (and its locator) before the classic one.
  const zip64 = count > 0xffff;
  const out = new Uint8Array(localBytes + centralBytes + (zip64 ? 76 : 0) + 22);
  const dv = new DataView(out.buffer);
  let at = 0;
  const offsets = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const { name, data } = items[i];
    offsets[i] = at;
    dv.setUint32(at, 0x04034b50, true);
    dv.setUint16(at + 4, 20, true);
    dv.setUint32(at + 18, data.length, true);
    dv.setUint32(at + 22, data.length, true);
    dv.setUint16(at + 26, name.length, true);
    out.set(name, at + 30);
    out.set(data, at + 30 + name.length);
    at += 30 + name.length + data.length;
  }
  const cdStart = at;
  for (let i = 0; i < count; i++) {
    const { name, data } = items[i];
    dv.setUint32(at, 0x02014b50, true);
    dv.setUint16(at + 4, 20, true);
    dv.setUint16(at + 6, 20, true);
    dv.setUint32(at + 20, data.length, true);
    dv.setUint32(at + 24, data.length, true);
    dv.setUint16(at + 28, name.length, true);
    dv.setUint32(at + 42, offsets[i], true);
    out.set(name, at + 46);
    at += 46 + name.length;
  }
  const cdSize = at - cdStart;
  if (zip64) {
    const rec = at;
    dv.setUint32(at, 0x06064b50, true);
    dv.setBigUint64(at + 4, 44n, true);
    dv.setBigUint64(at + 24, BigInt(count), true);
    dv.setBigUint64(at + 32, BigInt(count), true);
    dv.setBigUint64(at + 40, BigInt(cdSize), true);
    dv.setBigUint64(at + 48, BigInt(cdStart), true);
    at += 56;
    dv.setUint32(at, 0x07064b50, true);
    dv.setBigUint64(at + 8, BigInt(rec), true);
    dv.setUint32(at + 16, 1, true);
    at += 20;
  }
  dv.setUint32(at, 0x06054b50, true);
  dv.setUint16(at + 8, Math.min(count, 0xffff), true);
  dv.setUint16(at + 10, Math.min(count, 0xffff), true);
  dv.setUint32(at + 12, cdSize, true);
  dv.setUint32(at + 16, cdStart, true);
  return out;
}

/** ASCII text as bytes. */
export const ascii = (s: string) => new TextEncoder().encode(s);

/** A buffer of `n` copies of one byte. */
export const filled = (n: number, byte: number) => new Uint8Array(n).fill(byte);

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
