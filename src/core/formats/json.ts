// A JSON parser over bytes for the JSON inside data files (safetensors headers, JSONL lines, split and class
// files): iterative, so nesting costs a counter rather than stack frames and is refused past a depth limit; errors
// carry the byte offset in the file; and a caller can take the top-level object's members one at a time, so a
// header of a million tensors can be refused (or described compactly) without first building a million objects.

import { DataFileError, type DataFileErrorWhere } from './errors';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface JsonOptions {
  file: string;
  /** Where `bytes` start in the file, added to every offset in errors. */
  baseOffset?: number;
  /** Named in errors (a JSONL row, say). */
  where?: Omit<DataFileErrorWhere, 'offset'>;
  /** Deepest nesting accepted; a value at top level is depth 0, the members of a top-level object depth 1. */
  maxDepth: number;
  /**
   * Receives each member of a top-level object instead of it being built (the result is then an empty object).
   * Values arrive whole; `offset` is where the value starts in the file.
   */
  onMember?: (key: string, value: JsonValue, offset: number) => void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** For bytes known to be ASCII (where every decoder agrees). */
const ascii = new TextDecoder('utf-8');

interface Frame {
  container: JsonValue[] | Record<string, JsonValue>;
  /** The member key waiting for its value (objects only). */
  key: string | null;
  /** Streamed top-level object: members go to onMember. */
  streamed: boolean;
  valueAt: number;
}

/** Parses one JSON text (surrounding whitespace allowed); anything after the value is an error. */
export function parseJson(bytes: Uint8Array, options: JsonOptions): JsonValue {
  const base = options.baseOffset ?? 0;
  const n = bytes.length;
  let pos = 0;
  const fail = (problem: string, at = pos): DataFileError =>
    new DataFileError(options.file, problem, { ...options.where, offset: base + at });
  const describe = (at: number) =>
    at >= n ? 'the end of the text' : `'${String.fromCharCode(bytes[at])}' (byte 0x${bytes[at].toString(16)})`;

  const skipSpace = () => {
    while (pos < n) {
      const c = bytes[pos];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
  };

  const parseString = (): string => {
    // pos is at the opening quote.
    const start = ++pos;
    let ascii = true;
    let hash = 0x811c9dc5;
    while (pos < n) {
      const c = bytes[pos];
      if (c === 0x22) {
        const s = ascii ? shortAscii(bytes, start, pos, hash >>> 0) : decodeUtf8(start, pos);
        pos++;
        return s;
      }
      hash = Math.imul(hash ^ c, 0x01000193);
      if (c === 0x5c) return parseEscapedString(start);
      if (c < 0x20) throw fail('control character inside a string');
      if (c >= 0x80) ascii = false;
      pos++;
    }
    throw fail('string is never closed', start - 1);
  };

  const decodeUtf8 = (from: number, to: number): string => {
    try {
      return utf8.decode(bytes.subarray(from, to));
    } catch {
      throw fail('string is not valid UTF-8', from);
    }
  };

  const parseEscapedString = (start: number): string => {
    let out = '';
    let runStart = start;
    while (pos < n) {
      const c = bytes[pos];
      if (c === 0x22) {
        out += decodeUtf8(runStart, pos);
        pos++;
        return out;
      }
      if (c < 0x20) throw fail('control character inside a string');
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += decodeUtf8(runStart, pos);
      const e = bytes[pos + 1];
      pos += 2;
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += '\\';
          break;
        case 0x2f:
          out += '/';
          break;
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75: {
          const hex = latin1(bytes, pos, Math.min(n, pos + 4));
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw fail('bad \\u escape', pos - 2);
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 4;
          break;
        }
        default:
          throw fail('bad escape in a string', pos - 2);
      }
      runStart = pos;
    }
    throw fail('string is never closed', start - 1);
  };

  const parseNumber = (): number => {
    const start = pos;
    const negative = bytes[pos] === 0x2d;
    if (negative) pos++;
    // Integers of up to 15 digits (indices, shapes, offsets) are summed as they are read: exact, and no string.
    let whole = 0;
    if (bytes[pos] === 0x30) pos++;
    else if (bytes[pos] >= 0x31 && bytes[pos] <= 0x39)
      while (bytes[pos] >= 0x30 && bytes[pos] <= 0x39) whole = whole * 10 + (bytes[pos++] - 0x30);
    else throw fail(`unexpected ${describe(pos)}`);
    const c = bytes[pos];
    if (c !== 0x2e && c !== 0x65 && c !== 0x45 && pos - start <= 15) return negative ? -whole : whole;
    if (bytes[pos] === 0x2e) {
      pos++;
      if (!(bytes[pos] >= 0x30 && bytes[pos] <= 0x39)) throw fail('number has no digits after its decimal point');
      while (bytes[pos] >= 0x30 && bytes[pos] <= 0x39) pos++;
    }
    if (bytes[pos] === 0x65 || bytes[pos] === 0x45) {
      pos++;
      if (bytes[pos] === 0x2b || bytes[pos] === 0x2d) pos++;
      if (!(bytes[pos] >= 0x30 && bytes[pos] <= 0x39)) throw fail('number has no digits in its exponent');
      while (bytes[pos] >= 0x30 && bytes[pos] <= 0x39) pos++;
    }
    if (pos - start > 400) throw fail('number is more than 400 characters long', start);
    return Number(ascii.decode(bytes.subarray(start, pos)));
  };

  const literal = (word: string, value: JsonValue): JsonValue => {
    for (let i = 0; i < word.length; i++) {
      if (bytes[pos + i] !== word.charCodeAt(i)) throw fail(`unexpected ${describe(pos + i)}`, pos + i);
    }
    pos += word.length;
    return value;
  };

  const stack: Frame[] = [];
  let result: JsonValue = null;
  let haveResult = false;

  /** Delivers a finished value to the container on top of the stack (or makes it the result). */
  const deliver = (value: JsonValue, valueAt: number) => {
    const top = stack[stack.length - 1];
    if (!top) {
      result = value;
      haveResult = true;
      return;
    }
    if (Array.isArray(top.container)) top.container.push(value);
    else if (top.streamed) options.onMember!(top.key!, value, base + valueAt);
    else setMember(top.container, top.key!, value);
    top.key = null;
  };

  // The loop reads one value (or one container's opening) per turn, then the separators after it.
  for (;;) {
    skipSpace();
    const valueAt = pos;
    const c = bytes[pos];
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= options.maxDepth) throw fail(`nested deeper than ${options.maxDepth} levels`);
      pos++;
      const isObject = c === 0x7b;
      const frame: Frame = {
        container: isObject ? {} : [],
        key: null,
        streamed: isObject && stack.length === 0 && options.onMember !== undefined,
        valueAt,
      };
      stack.push(frame);
      skipSpace();
      const close = isObject ? 0x7d : 0x5d;
      if (bytes[pos] === close) {
        pos++;
        stack.pop();
        deliver(frame.container, valueAt);
      } else if (isObject) {
        if (bytes[pos] !== 0x22) throw fail(`expected a member name in quotes, found ${describe(pos)}`);
        frame.key = parseString();
        skipSpace();
        if (bytes[pos] !== 0x3a) throw fail(`expected ':' after a member name, found ${describe(pos)}`);
        pos++;
        continue;
      } else {
        continue;
      }
    } else {
      let value: JsonValue;
      if (c === 0x22) value = parseString();
      else if (c === 0x74) value = literal('true', true);
      else if (c === 0x66) value = literal('false', false);
      else if (c === 0x6e) value = literal('null', null);
      else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) value = parseNumber();
      else throw fail(`unexpected ${describe(pos)}`);
      deliver(value, valueAt);
    }
    // After a value: close containers, or a comma and the next member or element.
    for (;;) {
      skipSpace();
      const top = stack[stack.length - 1];
      if (!top) {
        if (pos < n) throw fail(`unexpected ${describe(pos)} after the JSON value`);
        if (!haveResult) throw fail('no JSON value');
        return result;
      }
      const isObject = !Array.isArray(top.container);
      const ch = bytes[pos];
      if (ch === (isObject ? 0x7d : 0x5d)) {
        pos++;
        stack.pop();
        deliver(top.streamed ? {} : top.container, top.valueAt);
        continue;
      }
      if (ch !== 0x2c)
        throw fail(`expected ',' or '${isObject ? '}' : ']'}', found ${describe(pos)}`, Math.min(pos, n));
      pos++;
      if (isObject) {
        skipSpace();
        if (bytes[pos] !== 0x22) throw fail(`expected a member name in quotes, found ${describe(pos)}`);
        top.key = parseString();
        skipSpace();
        if (bytes[pos] !== 0x3a) throw fail(`expected ':' after a member name, found ${describe(pos)}`);
        pos++;
      }
      break;
    }
  }
}

/** Own property even for '__proto__' (which assignment would take for the prototype), as JSON.parse makes it. */
function setMember(o: Record<string, JsonValue>, key: string, value: JsonValue): void {
  if (key === '__proto__')
    Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
}

/**
 * Short ASCII strings recur (every tensor's "dtype", "shape", "F32"...): the last one seen per hash slot is reused
 * rather than decoded and allocated again, which is most of the cost of a header of many tensors.
 */
const RECENT = new Array<string | undefined>(4096);

function shortAscii(bytes: Uint8Array, from: number, to: number, hash: number): string {
  const len = to - from;
  if (len > 24) return latin1(bytes, from, to);
  const slot = hash & 4095;
  const seen = RECENT[slot];
  if (seen !== undefined && seen.length === len) {
    let same = true;
    for (let i = 0; i < len && same; i++) same = seen.charCodeAt(i) === bytes[from + i];
    if (same) return seen;
  }
  const s = ascii.decode(bytes.subarray(from, to));
  RECENT[slot] = s;
  return s;
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(to, i + 8192)) as unknown as number[]);
  }
  return s;
}

/** A JSON object (not null, not an array). */
export function isPlainObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * JSON.stringify's compact text for a parsed value, written iteratively: a value nested as deep as the depth budget
 * allows (which a user may raise far past what the call stack holds) is written without recursion.
 */
export function stringifyJson(value: JsonValue): string {
  const out: string[] = [];
  // Work items: a value to write, or a literal piece of text (closing brackets, commas, member names).
  const work: (JsonValue | Piece)[] = [value];
  while (work.length) {
    const v = work.pop()!;
    if (v instanceof Piece) {
      out.push(v.text);
    } else if (Array.isArray(v)) {
      work.push(new Piece(']'));
      for (let i = v.length - 1; i >= 0; i--) {
        work.push(v[i]);
        if (i > 0) work.push(new Piece(','));
      }
      out.push('[');
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      work.push(new Piece('}'));
      for (let i = keys.length - 1; i >= 0; i--) {
        work.push(v[keys[i]]);
        work.push(new Piece(`${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:`));
      }
      out.push('{');
    } else {
      out.push(JSON.stringify(v));
    }
  }
  return out.join('');
}

class Piece {
  constructor(readonly text: string) {}
}
