// .npy writer (format 1.0, little-endian f32, C order), what Probelab exports: probes, per-row probabilities.
// The header is padded with spaces and ends in '\n' so the data starts at a multiple of 64 bytes, as numpy writes.

export function writeNpyF32(data: Float32Array, shape: number[]): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((s) => Number.isInteger(s) && s >= 0)) throw new Error(`invalid .npy shape [${shape}]`);
  if (n !== data.length) throw new Error(`invalid .npy data: shape [${shape}] needs ${n} values, got ${data.length}`);
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const dictBytes = new TextEncoder().encode(dict);
  // magic (6) + version (2) + header length (2) + dict + '\n', rounded up to 64.
  const total = Math.ceil((10 + dictBytes.length + 1) / 64) * 64;
  if (total - 10 > 0xffff) throw new Error(`.npy header of ${total - 10} bytes does not fit format 1.0`);
  const out = new Uint8Array(total + n * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const view = new DataView(out.buffer);
  view.setUint16(8, total - 10, true);
  out.fill(0x20, 10, total - 1);
  out.set(dictBytes, 10);
  out[total - 1] = 0x0a;
  for (let i = 0; i < n; i++) view.setFloat32(total + i * 4, data[i], true);
  return out;
}
