// A tiny zip writer for tests, independent of src/core/formats/zip.ts (but for the CRC-32, checked against zlib's in
// crc32.test.ts), that can lie: forged sizes, CRCs and methods, and ZIP64 records, to build the malformed and hostile
// archives the reader must refuse.
import { deflateSync } from 'fflate';
import type { ByteSource } from '../../../src/core/formats/byte-source';
import { crc32 } from '../../../src/core/formats/crc32';

export interface Member {
  name: string;
  data: Uint8Array;
  /** 0 stored (default) or 8 deflate; the data is compressed here unless `raw` is set. */
  method?: number;
  /** Data already in its stored form (compressed when method is 8). */
  raw?: boolean;
  /** Overrides of what the headers declare. */
  uncompressedSize?: number;
  crc?: number;
  flags?: number;
  /** Write sizes and offset as 0xFFFFFFFF with a ZIP64 extra field, and a ZIP64 end record. */
  zip64?: boolean;
  /** Only a central directory entry, pointing at this local header offset (another member's, say). */
  pointAt?: number;
  /** Stored data of this many zero bytes, left virtual by makeZipSource (never materialised). */
  zeros?: number;
}

/** A piece of an archive: real bytes, or a run of zero bytes. */
type Part = Uint8Array | number;

export function makeZip(members: Member[]): Uint8Array {
  const parts = zipParts(members);
  const out = new Uint8Array(parts.reduce<number>((a, p) => a + (typeof p === 'number' ? p : p.length), 0));
  let at = 0;
  for (const p of parts) {
    if (typeof p === 'number') at += p;
    else {
      out.set(p, at);
      at += p.length;
    }
  }
  return out;
}

/** The archive as a source whose zero runs (members with `zeros`) are synthesised on read, however large. */
export function makeZipSource(name: string, members: Member[]): ByteSource {
  const parts = zipParts(members);
  const starts: number[] = [];
  let size = 0;
  for (const p of parts) {
    starts.push(size);
    size += typeof p === 'number' ? p : p.length;
  }
  return {
    name,
    size,
    read: async (offset, length) => {
      const end = Math.min(size, offset + length);
      const out = new Uint8Array(Math.max(0, end - offset));
      parts.forEach((p, i) => {
        if (typeof p === 'number') return;
        const a = Math.max(offset, starts[i]);
        const b = Math.min(end, starts[i] + p.length);
        if (b > a) out.set(p.subarray(a - starts[i], b - starts[i]), a - offset);
      });
      return out;
    },
  };
}

function zipParts(members: Member[]): Part[] {
  const parts: Part[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  let anyZip64 = false;
  for (const m of members) {
    const method = m.method ?? 0;
    const stored = m.raw || method === 0 ? m.data : deflateSync(m.data);
    const storedLength = m.zeros ?? stored.length;
    const usize = m.uncompressedSize ?? m.zeros ?? (m.raw && method === 8 ? 0 : m.data.length);
    const crc = m.crc ?? crc32(m.data);
    const name = new TextEncoder().encode(m.name);
    const z = !!m.zip64;
    anyZip64 ||= z;
    const extra = new Uint8Array(z ? 4 + 24 : 0);
    if (z) {
      const ev = new DataView(extra.buffer);
      ev.setUint16(0, 1, true);
      ev.setUint16(2, 24, true);
      ev.setBigUint64(4, BigInt(usize), true);
      ev.setBigUint64(12, BigInt(storedLength), true);
      ev.setBigUint64(20, BigInt(m.pointAt ?? offset), true);
    }
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, (m.flags ?? 0) | 0x800, true);
    lv.setUint16(8, method, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, storedLength, true);
    lv.setUint32(22, usize >>> 0, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const cd = new Uint8Array(46 + name.length + extra.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 45, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, (m.flags ?? 0) | 0x800, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, z ? 0xffffffff : storedLength, true);
    cv.setUint32(24, z ? 0xffffffff : usize >>> 0, true);
    cv.setUint16(28, name.length, true);
    cv.setUint16(30, extra.length, true);
    cv.setUint32(42, z ? 0xffffffff : (m.pointAt ?? offset), true);
    cd.set(name, 46);
    cd.set(extra, 46 + name.length);
    central.push(cd);
    if (m.pointAt !== undefined) continue;
    parts.push(local, m.zeros ?? stored);
    offset += local.length + storedLength;
  }
  const cdStart = offset;
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const tail: Uint8Array[] = [];
  if (anyZip64) {
    const rec = new Uint8Array(56);
    const rv = new DataView(rec.buffer);
    rv.setUint32(0, 0x06064b50, true);
    rv.setBigUint64(4, 44n, true);
    rv.setBigUint64(24, BigInt(members.length), true);
    rv.setBigUint64(32, BigInt(members.length), true);
    rv.setBigUint64(40, BigInt(cdSize), true);
    rv.setBigUint64(48, BigInt(cdStart), true);
    const loc = new Uint8Array(20);
    const lv = new DataView(loc.buffer);
    lv.setUint32(0, 0x07064b50, true);
    lv.setBigUint64(8, BigInt(cdStart + cdSize), true);
    lv.setUint32(16, 1, true);
    tail.push(rec, loc);
  }
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, members.length, true);
  ev.setUint16(10, members.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, anyZip64 ? 0xffffffff : cdStart, true);
  tail.push(end);
  return [...parts, ...central, ...tail];
}
