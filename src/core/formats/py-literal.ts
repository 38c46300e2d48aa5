// Python literals as ast.literal_eval reads them (dicts, tuples, lists, strings, ints, True/False/None), parsed as
// data: the .npy header is one, and reading it by its grammar rather than by pattern matching is what makes a
// duplicate key or a key-like text inside a string value mean what it means to numpy.

export class PyLiteralTuple {
  constructor(readonly items: PyLiteral[]) {}
}
export class PyLiteralBytes {
  constructor(readonly text: string) {}
}
/** A dict in insertion order with Python's semantics for repeated keys: the last value wins, the first position stays. */
export class PyLiteralDict {
  readonly entries = new Map<string, [PyLiteral, PyLiteral]>();
}

export type PyLiteral =
  null | boolean | bigint | number | string | PyLiteralBytes | PyLiteralTuple | PyLiteral[] | PyLiteralDict;

export class PyLiteralError extends Error {
  constructor(
    message: string,
    /** Character index in the text. */
    readonly at: number,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 32;

/** A stable identity for hashable keys, so 'descr' given twice is one key (ints and bools alike, as in Python). */
function keyId(k: PyLiteral, at: number): string {
  if (typeof k === 'string') return `s${k}`;
  if (typeof k === 'bigint') return `n${k}`;
  if (typeof k === 'boolean') return `n${k ? 1 : 0}`;
  if (typeof k === 'number') return Number.isInteger(k) ? `n${k}` : `f${k}`;
  if (k === null) return 'N';
  if (k instanceof PyLiteralBytes) return `b${k.text}`;
  if (k instanceof PyLiteralTuple) return `t(${k.items.map((x) => keyId(x, at)).join(',')})`;
  throw new PyLiteralError('unhashable dictionary key', at);
}

export function parsePyLiteral(text: string): PyLiteral {
  let pos = 0;
  const n = text.length;
  const fail = (what: string, at = pos) => new PyLiteralError(what, at);
  const space = () => {
    for (let c = text.charCodeAt(pos); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++pos));
  };
  const value = (depth: number): PyLiteral => {
    if (depth > MAX_DEPTH) throw fail(`nested deeper than ${MAX_DEPTH} levels`);
    space();
    const c = text[pos];
    if (c === '{') return dict(depth);
    if (c === '(') return sequence(depth, ')');
    if (c === '[') return sequence(depth, ']');
    if (c === "'" || c === '"') return str(false);
    if (c === 'b' || c === 'B' || c === 'r' || c === 'R' || c === 'u' || c === 'U') return prefixed();
    if (c === '-' || c === '+' || c === '.' || (c >= '0' && c <= '9')) return number();
    const word = /^[A-Za-z_]\w*/.exec(text.slice(pos, pos + 16))?.[0];
    if (word === 'True' || word === 'False' || word === 'None') {
      pos += word.length;
      return word === 'None' ? null : word === 'True';
    }
    throw fail(c === undefined ? 'text ends where a value was expected' : `unexpected ${JSON.stringify(c)}`);
  };
  const dict = (depth: number): PyLiteralDict => {
    const d = new PyLiteralDict();
    pos++;
    for (;;) {
      space();
      if (text[pos] === '}') {
        pos++;
        return d;
      }
      const keyAt = pos;
      const k = value(depth + 1);
      space();
      if (text[pos] !== ':') throw fail("expected ':' after a dictionary key");
      pos++;
      const v = value(depth + 1);
      const id = keyId(k, keyAt);
      const prev = d.entries.get(id);
      d.entries.set(id, [prev ? prev[0] : k, v]);
      space();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== '}') throw fail("expected ',' or '}' in a dictionary");
    }
  };
  const sequence = (depth: number, close: string): PyLiteral => {
    const items: PyLiteral[] = [];
    pos++;
    let sawComma = false;
    for (;;) {
      space();
      if (text[pos] === close) {
        pos++;
        // (x) is x in parentheses, not a tuple; (x,) and () are tuples.
        if (close === ')') return items.length === 1 && !sawComma ? items[0] : new PyLiteralTuple(items);
        return items;
      }
      items.push(value(depth + 1));
      space();
      if (text[pos] === ',') {
        pos++;
        sawComma = true;
      } else if (text[pos] !== close) throw fail(`expected ',' or '${close}'`);
    }
  };
  const prefixed = (): PyLiteral => {
    const m = /^([bBrRuU]{1,2})(['"])/.exec(text.slice(pos, pos + 3));
    if (!m) throw fail(`unexpected ${JSON.stringify(text[pos])}`);
    const p = m[1].toLowerCase();
    if (!['b', 'r', 'u', 'br', 'rb'].includes(p)) throw fail(`unsupported string prefix '${m[1]}'`);
    pos += m[1].length;
    const s = str(p.includes('r'));
    return p.includes('b') ? new PyLiteralBytes(s) : s;
  };
  const str = (raw: boolean): string => {
    const q = text[pos];
    if (text.startsWith(q.repeat(3), pos)) throw fail('triple-quoted strings are not read');
    const start = pos;
    pos++;
    // Most strings have no escapes: take them whole.
    const close = text.indexOf(q, pos);
    const whole = close >= 0 ? text.slice(pos, close) : '';
    if (close >= 0 && !whole.includes('\\') && !whole.includes('\n')) {
      pos = close + 1;
      return whole;
    }
    let out = '';
    for (;;) {
      if (pos >= n) throw fail('string is never closed', start);
      const c = text[pos++];
      if (c === q) return out;
      if (c === '\n') throw fail('string runs past the end of its line', start);
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[pos++];
      if (raw) {
        out += `\\${e ?? ''}`;
        continue;
      }
      const simple: Record<string, string> = {
        '\\': '\\',
        "'": "'",
        '"': '"',
        n: '\n',
        r: '\r',
        t: '\t',
        a: '\x07',
        b: '\b',
        f: '\f',
        v: '\v',
        '0': '\0',
      };
      const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hexLen) {
        const hex = text.slice(pos, pos + hexLen);
        if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) throw fail('bad escape in a string', pos - 2);
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) throw fail('escape beyond Unicode', pos - 2);
        out += String.fromCodePoint(cp);
        pos += hexLen;
      } else if (e !== undefined && e in simple && !(e === '0' && /[0-7]/.test(text[pos] ?? ''))) {
        out += simple[e];
      } else if (e !== undefined && /[0-7]/.test(e)) {
        const m = /^[0-7]{1,3}/.exec(text.slice(pos - 1, pos + 2))![0];
        out += String.fromCharCode(parseInt(m, 8));
        pos += m.length - 1;
      } else if (e === '\n') {
        // A backslash-newline continues the string.
      } else {
        out += `\\${e ?? ''}`;
      }
    }
  };
  const number = (): bigint | number => {
    const m =
      /^([-+]?)\s*(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)/.exec(
        text.slice(pos, pos + 64),
      );
    if (!m || /__|_$|_\./.test(m[2])) throw fail('malformed number');
    pos += m[0].length;
    const body = m[2].replace(/_/g, '');
    const neg = m[1] === '-';
    if (/^\d+$/.test(body) && body.length > 1 && body[0] === '0' && /[1-9]/.test(body))
      throw fail('integers may not have leading zeros');
    if (/[.eE]/.test(body) && !/^0[xX]/.test(body)) {
      const f = Number(body);
      return neg ? -f : f;
    }
    const v = BigInt(body);
    return neg ? -v : v;
  };
  const result = value(0);
  space();
  if (pos < n) throw fail(`unexpected ${JSON.stringify(text[pos])} after the value`);
  return result;
}
