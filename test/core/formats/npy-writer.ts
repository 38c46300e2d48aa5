// Builds .npy bytes for tests, independently of src/core/formats/npy.ts.

/** Builds an .npy the way numpy lays it out (header padded with spaces to a multiple of 64, ending in \n). */
export function makeNpy(
  descr: string,
  shape: number[],
  body: Uint8Array,
  opts: { fortran?: boolean; version?: 1 | 2 | 3 } = {},
): Uint8Array {
  const version = opts.version ?? 1;
  const dict = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const lenBytes = version === 1 ? 2 : 4;
  const enc = new TextEncoder().encode(dict);
  const total = Math.ceil((10 + lenBytes - 2 + enc.length + 1) / 64) * 64;
  const headerLen = total - (8 + lenBytes);
  const out = new Uint8Array(total + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (lenBytes === 2) dv.setUint16(8, headerLen, true);
  else dv.setUint32(8, headerLen, true);
  out.fill(0x20, 8 + lenBytes, total - 1);
  out.set(enc, 8 + lenBytes);
  out[total - 1] = 0x0a;
  out.set(body, total);
  return out;
}
