// Element types found in activation files and how to turn their raw bytes into numbers.

export type DType =
  'bool' | 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'f16' | 'bf16' | 'f32' | 'f64';

export const DTYPE_BYTES: Record<DType, number> = {
  bool: 1,
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  u64: 8,
  i64: 8,
  f16: 2,
  bf16: 2,
  f32: 4,
  f64: 8,
};

export function isFloat(dtype: DType): boolean {
  return dtype === 'f16' || dtype === 'bf16' || dtype === 'f32' || dtype === 'f64';
}

/** IEEE half to float; exact, since every f16 is representable in f32. */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Decodes `count` elements starting at `bytes[0]` into `out[outOffset...]` as f32.
 * 64-bit integers are read through their low and high words (exact up to 2^53, then rounded to f32 anyway).
 */
export function decodeToF32(
  bytes: Uint8Array,
  dtype: DType,
  littleEndian: boolean,
  count: number,
  out: Float32Array,
  outOffset = 0,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = littleEndian;
  // Little-endian f32 (on this little-endian platform) is a plain byte copy into the destination, aligned or not.
  if (dtype === 'f32' && le) {
    new Uint8Array(out.buffer, out.byteOffset + 4 * outOffset, 4 * count).set(bytes.subarray(0, 4 * count));
    return;
  }
  // Aligned little-endian f64: a typed-array view converts without DataView calls.
  if (dtype === 'f64' && le && bytes.byteOffset % 8 === 0) {
    const src = new Float64Array(bytes.buffer, bytes.byteOffset, count);
    for (let i = 0; i < count; i++) out[outOffset + i] = src[i];
    return;
  }
  switch (dtype) {
    case 'bool':
    case 'u8':
      for (let i = 0; i < count; i++) out[outOffset + i] = bytes[i];
      return;
    case 'i8':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getInt8(i);
      return;
    case 'u16':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getUint16(2 * i, le);
      return;
    case 'i16':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getInt16(2 * i, le);
      return;
    case 'u32':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getUint32(4 * i, le);
      return;
    case 'i32':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getInt32(4 * i, le);
      return;
    case 'u64':
      for (let i = 0; i < count; i++) out[outOffset + i] = Number(view.getBigUint64(8 * i, le));
      return;
    case 'i64':
      for (let i = 0; i < count; i++) out[outOffset + i] = Number(view.getBigInt64(8 * i, le));
      return;
    case 'f16':
      for (let i = 0; i < count; i++) out[outOffset + i] = f16ToF32(view.getUint16(2 * i, le));
      return;
    case 'bf16': {
      // bf16 is the top half of an f32, so shifting its bits up is exact.
      const u32 = new Uint32Array(1);
      const f32 = new Float32Array(u32.buffer);
      for (let i = 0; i < count; i++) {
        u32[0] = view.getUint16(2 * i, le) << 16;
        out[outOffset + i] = f32[0];
      }
      return;
    }
    case 'f32':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getFloat32(4 * i, le);
      return;
    case 'f64':
      for (let i = 0; i < count; i++) out[outOffset + i] = view.getFloat64(8 * i, le);
      return;
  }
}
