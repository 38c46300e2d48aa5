// .npy writer (format 1.0, little-endian f32, C order), what Probelab exports: probes, per-row probabilities, SAE
// codes. The header is padded with spaces and ends in '\n' so the data starts at a multiple of 64 bytes, as numpy
// writes. The header alone is offered too, so a large array can be written a block of rows at a time.

/** The header of an f32 C-order .npy of this shape; the data follow it directly. */
export function npyHeaderF32(shape: number[]): Uint8Array {
  if (!shape.every((s) => Number.isSafeInteger(s) && s >= 0)) throw new Error(`invalid .npy shape [${shape}]`);
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const dictBytes = new TextEncoder().encode(dict);
  // magic (6) + version (2) + header length (2) + dict + '\n', rounded up to 64.
  const total = Math.ceil((10 + dictBytes.length + 1) / 64) * 64;
  if (total - 10 > 0xffff) throw new Error(`.npy header of ${total - 10} bytes does not fit format 1.0`);
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, total - 10, true);
  out.fill(0x20, 10, total - 1);
  out.set(dictBytes, 10);
  out[total - 1] = 0x0a;
  return out;
}

/** f32 values as little-endian bytes (a view when the host is little-endian, a converted copy otherwise). */
export function f32LittleEndian(data: Float32Array): Uint8Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1)
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return out;
}

export function writeNpyF32(data: Float32Array, shape: number[]): Uint8Array {
  const header = npyHeaderF32(shape);
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`invalid .npy data: shape [${shape}] needs ${n} values, got ${data.length}`);
  const out = new Uint8Array(header.length + n * 4);
  out.set(header);
  out.set(f32LittleEndian(data), header.length);
  return out;
}
