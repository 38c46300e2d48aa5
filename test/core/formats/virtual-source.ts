// A ByteSource of any size whose bytes are synthesised on read: a header, then f32 values v(i) = PATTERN[i mod P].
// Lets tests stream multi-gigabyte .npy/.safetensors files that are never written to disk or held in memory.

import type { ByteSource } from '../../../src/core/formats/byte-source';

/** Period of the value pattern: odd, so rows of any even width see different values. */
export const PERIOD = 4099;
/** v(i) for i in one period: small integers / 8, exact in f32 and summed exactly in f64. */
export const PATTERN = Float32Array.from({ length: PERIOD }, (_, i) => (((i * 37) % 1021) - 510) / 8);
export const value = (i: number) => PATTERN[i % PERIOD];

const PREFIX = new Float64Array(PERIOD + 1);
for (let i = 0; i < PERIOD; i++) PREFIX[i + 1] = PREFIX[i] + PATTERN[i];

/** Exact sum of v(i) for i in [a, b), in closed form from the pattern's prefix sums. */
export function patternSum(a: number, b: number): number {
  const s = (n: number) => Math.floor(n / PERIOD) * PREFIX[PERIOD] + PREFIX[n % PERIOD];
  return s(b) - s(a);
}

// A long run of the pattern, so a read is a few memcpys rather than a per-element loop.
const RUN = new Float32Array(PERIOD * 1024);
for (let i = 0; i < RUN.length; i++) RUN[i] = PATTERN[i % PERIOD];

function fillPattern(values: Float32Array, e0: number): void {
  for (let k = 0; k < values.length;) {
    const phase = (e0 + k) % PERIOD;
    const n = Math.min(values.length - k, RUN.length - phase);
    values.set(RUN.subarray(phase, phase + n), k);
    k += n;
  }
}

/**
 * `header` bytes, then `count` f32 values of the pattern (little-endian hosts only, as every test machine is).
 * Aligned reads of values return a view of one reused scratch buffer, valid until the next read: the parsers
 * decode each read before issuing the next, and this keeps a 4 GB stream from allocating 4 GB of garbage.
 */
export function virtualSource(name: string, header: Uint8Array, count: number): ByteSource {
  const size = header.length + count * 4;
  let scratch = new Float32Array(0);
  return {
    name,
    size,
    read: async (offset, length) => {
      const end = Math.min(size, offset + length);
      if (offset >= header.length && (offset - header.length) % 4 === 0 && (end - offset) % 4 === 0) {
        const n = (end - offset) / 4;
        if (scratch.length < n) scratch = new Float32Array(n);
        const values = scratch.subarray(0, n);
        fillPattern(values, (offset - header.length) / 4);
        return new Uint8Array(values.buffer, 0, n * 4);
      }
      const out = new Uint8Array(Math.max(0, end - offset));
      let at = offset;
      if (at < header.length) {
        const part = header.subarray(at, Math.min(header.length, end));
        out.set(part, 0);
        at += part.length;
      }
      if (at >= end) return out;
      const e0 = Math.floor((at - header.length) / 4);
      const e1 = Math.ceil((end - header.length) / 4);
      const values = new Float32Array(e1 - e0);
      fillPattern(values, e0);
      const bytes = new Uint8Array(values.buffer);
      const skip = at - header.length - e0 * 4;
      out.set(bytes.subarray(skip, skip + (end - at)), at - offset);
      return out;
    },
  };
}

/** A numpy v1 .npy header for little-endian f32 of this shape, padded to 64 bytes as numpy does. */
export function npyHeader(shape: number[], fortran = false): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const out = new Uint8Array(total).fill(0x20);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, total - 10, true);
  out.set(new TextEncoder().encode(dict), 10);
  out[total - 1] = 0x0a;
  return out;
}

/** A safetensors header (8-byte length + JSON) for one F32 tensor of this shape. */
export function safetensorsHeader(key: string, shape: number[]): Uint8Array {
  const bytes = shape.reduce((a, b) => a * b, 1) * 4;
  let json = JSON.stringify({
    __metadata__: { format: 'pt' },
    [key]: { dtype: 'F32', shape, data_offsets: [0, bytes] },
  });
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + json.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  return out;
}
