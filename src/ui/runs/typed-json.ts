// JSON that keeps numbers bit-exact: each typed array becomes {"$typed": kind, "base64": raw little-endian
// bytes}, and a plain number JSON cannot hold (NaN, ±Infinity, -0) becomes {"$num": "NaN" | "Infinity" |
// "-Infinity" | "-0"}, so an exported run re-imports with identical weights, curves and metrics.

type TypedKind = 'f64' | 'f32' | 'i32' | 'u32' | 'i16' | 'u16' | 'i8' | 'u8' | 'u8c';
type Typed =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

const CTORS = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
  u8c: Uint8ClampedArray,
} as const;

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

function kindOf(v: unknown): TypedKind | null {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return null;
  // Exact constructor match: a Uint8ClampedArray must not come back as a Uint8Array.
  for (const [kind, ctor] of Object.entries(CTORS)) if (v.constructor === ctor) return kind as TypedKind;
  return null;
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function stringifyTyped(value: unknown, space?: number): string {
  return JSON.stringify(
    value,
    function replacer(this: unknown, key, v) {
      const holder = (this as Record<string, unknown>)[key];
      const kind = kindOf(holder);
      if (kind) {
        const t = holder as Typed;
        return { $typed: kind, base64: toBase64(new Uint8Array(t.buffer, t.byteOffset, t.byteLength)) };
      }
      if (ArrayBuffer.isView(holder))
        throw new Error(`cannot export a ${holder.constructor.name} (at ${JSON.stringify(key)})`);
      if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)))
        return { $num: Object.is(v, -0) ? '-0' : String(v) };
      return v;
    },
    space,
  );
}

export function parseTyped(text: string, source = 'file'): unknown {
  return JSON.parse(text, (_key, v) => {
    if (v && typeof v === 'object' && typeof v.$num === 'string' && Object.keys(v).length === 1) {
      if (!(v.$num in SPECIAL)) throw new Error(`${source}: unknown special number ${JSON.stringify(v.$num)}`);
      return SPECIAL[v.$num];
    }
    if (v && typeof v === 'object' && typeof v.$typed === 'string' && typeof v.base64 === 'string') {
      const ctor = CTORS[v.$typed as TypedKind];
      if (!ctor) throw new Error(`${source}: unknown typed-array kind ${JSON.stringify(v.$typed)}`);
      const bin = atob(v.base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      if (bytes.length % ctor.BYTES_PER_ELEMENT)
        throw new Error(`${source}: a ${v.$typed} array has ${bytes.length} bytes, not a whole number of elements`);
      return new ctor(bytes.buffer);
    }
    return v;
  });
}
