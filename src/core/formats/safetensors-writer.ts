// .safetensors writer (F32 only, what Probelab exports): 8-byte little-endian header length, a JSON header
// padded with spaces to a multiple of 8 (as the reference writer does, so every tensor stays aligned), then data.

export interface F32Tensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export function writeSafetensors(tensors: F32Tensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length)
      throw new Error(`invalid tensor ${t.name}: shape [${t.shape}] needs ${n} values, got ${t.data.length}`);
    if (t.name in header) throw new Error(`invalid tensor name ${t.name}: written twice`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length)
    json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    // Copy through a little-endian view so the bytes are right on any host.
    const view = new DataView(out.buffer, at, t.data.length * 4);
    for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i], true);
    at += t.data.length * 4;
  }
  return out;
}
