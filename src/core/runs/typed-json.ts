// JSON that keeps typed arrays bit-exact: each becomes {"$typed": kind, "base64": raw little-endian bytes},
// so an exported run re-imports with identical weights (NaN payloads and -0 included).

type TypedKind = 'f64' | 'f32' | 'i32' | 'u8';
type Typed = Float64Array | Float32Array | Int32Array | Uint8Array;

const CTORS = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u8: Uint8Array } as const;

function kindOf(v: unknown): TypedKind | null {
  if (v instanceof Float64Array) return 'f64';
  if (v instanceof Float32Array) return 'f32';
  if (v instanceof Int32Array) return 'i32';
  if (v instanceof Uint8Array) return 'u8';
  return null;
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function stringifyTyped(value: unknown, space?: number): string {
  return JSON.stringify(value, function replacer(this: unknown, key, v) {
    const holder = (this as Record<string, unknown>)[key];
    const kind = kindOf(holder);
    if (kind) {
      const t = holder as Typed;
      return { $typed: kind, base64: toBase64(new Uint8Array(t.buffer, t.byteOffset, t.byteLength)) };
    }
    return v;
  }, space);
}

export function parseTyped(text: string, source = 'file'): unknown {
  return JSON.parse(text, (_key, v) => {
    if (v && typeof v === 'object' && typeof v.$typed === 'string' && typeof v.base64 === 'string') {
      const ctor = CTORS[v.$typed as TypedKind];
      if (!ctor) throw new Error(`${source}: unknown typed-array kind ${JSON.stringify(v.$typed)}`);
      const bin = atob(v.base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      if (bytes.length % ctor.BYTES_PER_ELEMENT) throw new Error(`${source}: a ${v.$typed} array has ${bytes.length} bytes, not a whole number of elements`);
      return new ctor(bytes.buffer);
    }
    return v;
  });
}
