// Identity of a setup or job spec as a string: the same data and the same settings give the same key whatever
// the order of their fields, so a rerun of an unchanged setup is recognised as the same run, and a result can be
// told apart from the settings now on the page. Typed arrays (inline weights, probe files) count by content.

/** A canonical string of plain data: object keys sorted, typed arrays as length and content hash. */
export function stableKey(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return `#${v.constructor.name}:${v.byteLength}:${fnv1a(bytes)}`;
  }
  if (v instanceof ArrayBuffer) return `#ArrayBuffer:${v.byteLength}:${fnv1a(new Uint8Array(v))}`;
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

/** 32-bit FNV-1a: a content fingerprint for keys, not a checksum against tampering. */
function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
