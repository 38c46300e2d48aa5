// A restricted pickle reader: a stack machine that understands an explicit allow-list of opcodes and resolves
// globals only through an explicit allow-list supplied by the caller, so a file can never make it run code.
// Anything else (os.system, builtins.eval, extension codes, out-of-band buffers) is refused with a DataFileError.

import { DataFileError } from './errors';

export class PyTuple {
  constructor(
    readonly items: PyValue[],
    readonly depth: number,
  ) {}
}
export class PyList {
  constructor(
    readonly items: PyValue[],
    public depth: number,
  ) {}
}
export class PyDict {
  /** Keyed by a canonical form of the Python key, so re-setting a key replaces it as in Python. */
  readonly entries = new Map<string, [PyValue, PyValue]>();
  depth = 1;
}
export class PySet {
  readonly items = new Map<string, PyValue>();
  depth = 1;
}
export class PyBytes {
  constructor(readonly bytes: Uint8Array) {}
}
/** A resolved, allow-listed global (a class or function the caller implemented in TypeScript). */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly impl: GlobalImpl,
  ) {}
  get qualname(): string {
    return `${this.module}.${this.name}`;
  }
}
/** An object built by an allow-listed global (a tensor, say); `value` is the caller's own representation. */
export class PyObject {
  constructor(
    readonly type: string,
    readonly value: unknown,
  ) {}
}

export type PyValue =
  null | boolean | number | bigint | string | PyBytes | PyTuple | PyList | PyDict | PySet | PyGlobal | PyObject;

export interface GlobalImpl {
  /** What REDUCE, NEWOBJ, INST and OBJ do with this global; absent means it may only be referenced. */
  call?: (args: PyValue[], fail: (problem: string) => DataFileError) => PyValue;
}

export interface PickleLimits {
  /** Deepest nesting of containers accepted (real state dicts nest a handful of levels). */
  maxDepth: number;
  maxMemo: number;
  /** Items in one stack frame; CPython batches containers by 1000 items, so real pickles stay far below. */
  maxStack: number;
  /** Open MARKs at once. */
  maxMarks: number;
  /** Values built (strings, containers, objects; not small numbers): what bounds the reader's memory. */
  maxObjects: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxDepth: 100,
  maxMemo: 1_000_000,
  maxStack: 1_000_000,
  maxMarks: 1000,
  maxObjects: 5_000_000,
};

export interface UnpickleOptions {
  /** Named in errors. */
  file: string;
  /** Named in errors (the zip member, say). */
  key?: string;
  /** Added to positions in errors so they are offsets in the file. */
  baseOffset?: number;
  /** Allow-list: 'module.name' -> implementation. */
  globals: ReadonlyMap<string, GlobalImpl>;
  persistentLoad?: (pid: PyValue, fail: (problem: string) => DataFileError) => PyValue;
  limits?: PickleLimits;
}

/** Thrown when the bytes end before STOP, so a caller reading a stream can fetch more and retry. */
export class PickleTruncatedError extends DataFileError {}

/** Opcodes by byte; everything not listed is refused. */
const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK',
  0x2e: 'STOP',
  0x30: 'POP',
  0x31: 'POP_MARK',
  0x32: 'DUP',
  0x46: 'FLOAT',
  0x49: 'INT',
  0x4a: 'BININT',
  0x4b: 'BININT1',
  0x4c: 'LONG',
  0x4d: 'BININT2',
  0x4e: 'NONE',
  0x50: 'PERSID',
  0x51: 'BINPERSID',
  0x52: 'REDUCE',
  0x53: 'STRING',
  0x54: 'BINSTRING',
  0x55: 'SHORT_BINSTRING',
  0x56: 'UNICODE',
  0x58: 'BINUNICODE',
  0x61: 'APPEND',
  0x62: 'BUILD',
  0x63: 'GLOBAL',
  0x64: 'DICT',
  0x7d: 'EMPTY_DICT',
  0x65: 'APPENDS',
  0x67: 'GET',
  0x68: 'BINGET',
  0x69: 'INST',
  0x6a: 'LONG_BINGET',
  0x6c: 'LIST',
  0x5d: 'EMPTY_LIST',
  0x6f: 'OBJ',
  0x70: 'PUT',
  0x71: 'BINPUT',
  0x72: 'LONG_BINPUT',
  0x73: 'SETITEM',
  0x74: 'TUPLE',
  0x29: 'EMPTY_TUPLE',
  0x75: 'SETITEMS',
  0x47: 'BINFLOAT',
  0x80: 'PROTO',
  0x81: 'NEWOBJ',
  0x85: 'TUPLE1',
  0x86: 'TUPLE2',
  0x87: 'TUPLE3',
  0x88: 'NEWTRUE',
  0x89: 'NEWFALSE',
  0x8a: 'LONG1',
  0x8b: 'LONG4',
  0x42: 'BINBYTES',
  0x43: 'SHORT_BINBYTES',
  0x8c: 'SHORT_BINUNICODE',
  0x8d: 'BINUNICODE8',
  0x8e: 'BINBYTES8',
  0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS',
  0x91: 'FROZENSET',
  0x92: 'NEWOBJ_EX',
  0x93: 'STACK_GLOBAL',
  0x94: 'MEMOIZE',
  0x95: 'FRAME',
  0x96: 'BYTEARRAY8',
};
/** Known but refused: they reach outside the pickle (copyreg's extension registry, out-of-band buffers). */
const REFUSED_OPCODES: Record<number, string> = {
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

/** Longest LONG1/LONG4 accepted; shapes and offsets need 8 bytes, and BigInt parsing of huge ones is slow. */
const MAX_LONG_BYTES = 64;

export function depthOf(v: PyValue): number {
  return v instanceof PyTuple || v instanceof PyList || v instanceof PyDict || v instanceof PySet ? v.depth : 0;
}

/** Longest canonical form of a dictionary or set key accepted (a tuple key doubled on itself grows exponentially). */
const MAX_KEY_CHARS = 4096;

/** Canonical form of a hashable Python key (1, 1.0 and True hash alike in Python, and do here). */
export function keyOf(k: PyValue, fail: (problem: string) => DataFileError): string {
  return canonicalKey(k, fail, { left: MAX_KEY_CHARS });
}

function canonicalKey(k: PyValue, fail: (problem: string) => DataFileError, budget: { left: number }): string {
  const spend = (s: string) => {
    budget.left -= s.length;
    if (budget.left < 0) throw fail(`dictionary key is longer than ${MAX_KEY_CHARS} characters in canonical form`);
    return s;
  };
  if (typeof k === 'string') return `s${k}`;
  if (typeof k === 'number' || typeof k === 'bigint') return spend(`n${k}`);
  if (typeof k === 'boolean') return spend(`n${k ? 1 : 0}`);
  if (k === null) return spend('N');
  if (k instanceof PyBytes) {
    if (k.bytes.length * 4 > budget.left) throw fail(`bytes key of ${k.bytes.length} bytes is too long`);
    return spend(`b${Array.from(k.bytes).join(',')}`);
  }
  if (k instanceof PyTuple) {
    spend('t()');
    return `t(${k.items.map((x) => spend(canonicalKey(x, fail, budget))).join(',')})`;
  }
  if (k instanceof PyGlobal) return spend(`g${k.qualname}`);
  throw fail(`unhashable dictionary key of type ${typeName(k)}`);
}

export function typeName(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v !== 'object') return typeof v;
  if (v instanceof PyGlobal) return `global ${v.qualname}`;
  if (v instanceof PyObject) return v.type;
  return v.constructor.name.replace(/^Py/, '').toLowerCase();
}

export function unpickle(bytes: Uint8Array, start: number, options: UnpickleOptions): { value: PyValue; end: number } {
  const { file, key, globals } = options;
  const base = options.baseOffset ?? 0;
  const limits = options.limits ?? DEFAULT_PICKLE_LIMITS;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = start;
  let opAt = start;
  let opName = '';
  const fail = (problem: string) =>
    new DataFileError(file, `pickle: ${opName ? `${opName}: ` : ''}${problem}`, { key, offset: base + opAt });
  const need = (n: number) => {
    if (!(pos + n <= bytes.length)) {
      const what = opName ? `${opName} needs ${n} more bytes` : 'no STOP opcode';
      throw new PickleTruncatedError(file, `pickle ends unexpectedly at byte ${base + bytes.length} (${what})`, {
        key,
        offset: base + bytes.length,
      });
    }
  };
  const u8 = () => {
    need(1);
    return bytes[pos++];
  };
  const u16 = () => {
    need(2);
    const v = dv.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const i32 = () => {
    need(4);
    const v = dv.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = dv.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = () => {
    need(8);
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(`length ${v} is impossibly large`);
    return Number(v);
  };
  const take = (n: number) => {
    if (n < 0) throw fail(`negative length ${n}`);
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const line = () => {
    const nl = bytes.indexOf(0x0a, pos);
    if (nl < 0) {
      throw new PickleTruncatedError(file, `pickle ends unexpectedly (${opName} has no end of line)`, {
        key,
        offset: base + bytes.length,
      });
    }
    const text = latin1.decode(bytes.subarray(pos, nl));
    pos = nl + 1;
    return text;
  };

  let stack: PyValue[] = [];
  const metastack: PyValue[][] = [];
  const memo = new Map<number, PyValue>();

  let objects = 0;
  /** Pushes a value this opcode built (counted against maxObjects unless it is a small number or a constant). */
  const push = (v: PyValue) => {
    if (stack.length >= limits.maxStack) throw fail(`more than ${limits.maxStack} items on the stack`);
    if (
      v !== null &&
      typeof v !== 'boolean' &&
      !(typeof v === 'number' && Number.isInteger(v)) &&
      ++objects > limits.maxObjects
    )
      throw fail(`the pickle builds more than ${limits.maxObjects} objects`);
    stack.push(v);
  };
  /** Pushes another reference to an existing value (DUP, memo GETs): nothing new is built. */
  const pushRef = (v: PyValue) => {
    if (stack.length >= limits.maxStack) throw fail(`more than ${limits.maxStack} items on the stack`);
    stack.push(v);
  };
  const pop = (): PyValue => {
    if (stack.length === 0) throw fail('stack underflow');
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0) throw fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const prev = metastack.pop();
    if (!prev) throw fail('no MARK to pop to');
    stack = prev;
    return items;
  };
  const checkDepth = (d: number) => {
    if (d > limits.maxDepth) throw fail(`containers nested deeper than ${limits.maxDepth} levels`);
    return d;
  };
  const tupleOf = (items: PyValue[]) => {
    let d = 0;
    for (const it of items) d = Math.max(d, depthOf(it));
    return new PyTuple(items, checkDepth(d + 1));
  };
  const appendTo = (list: PyValue, items: PyValue[]) => {
    if (!(list instanceof PyList)) throw fail(`cannot append to ${typeName(list)}`);
    for (const it of items) {
      list.depth = checkDepth(Math.max(list.depth, depthOf(it) + 1));
      if (list.items.length >= limits.maxStack) throw fail(`list longer than ${limits.maxStack} items`);
      list.items.push(it);
    }
  };
  const setItems = (dict: PyValue, items: PyValue[]) => {
    if (!(dict instanceof PyDict)) throw fail(`cannot set items on ${typeName(dict)}`);
    if (items.length % 2) throw fail('odd number of items for a dictionary');
    for (let i = 0; i < items.length; i += 2) {
      dict.depth = checkDepth(Math.max(dict.depth, depthOf(items[i]) + 1, depthOf(items[i + 1]) + 1));
      if (dict.entries.size >= limits.maxStack) throw fail(`dictionary of more than ${limits.maxStack} keys`);
      dict.entries.set(keyOf(items[i], fail), [items[i], items[i + 1]]);
    }
  };
  const addItems = (set: PySet, items: PyValue[]) => {
    for (const it of items) {
      set.depth = checkDepth(Math.max(set.depth, depthOf(it) + 1));
      if (set.items.size >= limits.maxStack) throw fail(`set of more than ${limits.maxStack} items`);
      set.items.set(keyOf(it, fail), it);
    }
  };
  const resolve = (module: string, name: string): PyGlobal => {
    const impl = globals.get(`${module}.${name}`);
    if (!impl) {
      throw fail(
        `refused global '${module}.${name}': it is not on the allow-list of tensor, storage and container ` +
          'rebuilds, so the file was not loaded and nothing in it was executed',
      );
    }
    return new PyGlobal(module, name, impl);
  };
  const call = (callee: PyValue, args: PyValue[]): PyValue => {
    if (!(callee instanceof PyGlobal)) throw fail(`cannot call ${typeName(callee)}`);
    if (!callee.impl.call) throw fail(`'${callee.qualname}' may be referenced but not called`);
    return callee.impl.call(args, (problem) => fail(`${callee.qualname}: ${problem}`));
  };
  const memoPut = (index: number, v: PyValue) => {
    if (memo.size >= limits.maxMemo && !memo.has(index)) throw fail(`memo grew past ${limits.maxMemo} entries`);
    memo.set(index, v);
  };
  const memoGet = (index: number) => {
    const v = memo.get(index);
    if (v === undefined) throw fail(`memo has no entry ${index}`);
    return v;
  };
  const textInt = (s: string): number | bigint => {
    const t = s.endsWith('L') ? s.slice(0, -1) : s;
    if (!/^[+-]?\d{1,400}$/.test(t)) throw fail(`not an integer: ${JSON.stringify(s.slice(0, 40))}`);
    const b = BigInt(t);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  };
  const long = (n: number): number | bigint => {
    if (n > MAX_LONG_BYTES) throw fail(`integer of ${n} bytes is longer than the ${MAX_LONG_BYTES} accepted`);
    const b = take(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (n > 0 && b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  for (;;) {
    opAt = pos;
    opName = '';
    const op = u8();
    opName = OPCODE_NAMES[op] ?? '';
    if (!opName) {
      const refused = REFUSED_OPCODES[op];
      throw fail(
        refused
          ? `opcode ${refused} is not allowed`
          : `unknown or disallowed opcode 0x${op.toString(16).padStart(2, '0')}`,
      );
    }
    switch (op) {
      case 0x80: {
        const v = u8();
        if (v > 5) throw fail(`unsupported protocol ${v}`);
        break;
      } // PROTO
      case 0x95:
        take(8);
        break; // FRAME: only a hint for buffered readers; the data follows inline.
      case 0x2e: {
        // STOP
        if (metastack.length) throw fail('STOP inside an unclosed MARK');
        return { value: pop(), end: pos };
      }
      case 0x28: // MARK
        if (metastack.length >= limits.maxMarks) throw fail(`more than ${limits.maxMarks} open MARKs`);
        metastack.push(stack);
        stack = [];
        break;
      case 0x30:
        if (stack.length) stack.pop();
        else popMark();
        break; // POP (pops a bare MARK, as CPython does)
      case 0x31:
        popMark();
        break; // POP_MARK
      case 0x32:
        pushRef(top());
        break; // DUP
      case 0x4e:
        push(null);
        break;
      case 0x88:
        push(true);
        break;
      case 0x89:
        push(false);
        break;
      case 0x4a:
        push(i32());
        break; // BININT
      case 0x4b:
        push(u8());
        break; // BININT1
      case 0x4d:
        push(u16());
        break; // BININT2
      case 0x49: {
        // INT (protocol 0; "01"/"00" are True/False)
        const s = line();
        push(s === '01' ? true : s === '00' ? false : textInt(s));
        break;
      }
      case 0x4c:
        push(textInt(line()));
        break; // LONG
      case 0x8a:
        push(long(u8()));
        break; // LONG1
      case 0x8b: {
        const n = i32();
        if (n < 0) throw fail('negative length');
        push(long(n));
        break;
      } // LONG4
      case 0x46: {
        // FLOAT
        const s = line().trim();
        const v = Number(s);
        if (s === '' || (Number.isNaN(v) && !/^[+-]?nan$/i.test(s)))
          throw fail(`not a float: ${JSON.stringify(s.slice(0, 40))}`);
        push(v);
        break;
      }
      case 0x47: {
        need(8);
        push(dv.getFloat64(pos, false));
        pos += 8;
        break;
      } // BINFLOAT (big-endian)
      case 0x53:
        push(pyStringLiteral(line(), fail));
        break; // STRING
      case 0x54:
        push(latin1.decode(take(i32())));
        break; // BINSTRING
      case 0x55:
        push(latin1.decode(take(u8())));
        break; // SHORT_BINSTRING
      case 0x56:
        push(rawUnicodeEscape(line()));
        break; // UNICODE
      case 0x58:
        push(utf8.decode(take(u32())));
        break; // BINUNICODE
      case 0x8c:
        push(utf8.decode(take(u8())));
        break; // SHORT_BINUNICODE
      case 0x8d:
        push(utf8.decode(take(u64())));
        break; // BINUNICODE8
      case 0x42:
        push(new PyBytes(take(u32())));
        break; // BINBYTES
      case 0x43:
        push(new PyBytes(take(u8())));
        break; // SHORT_BINBYTES
      case 0x8e:
      case 0x96:
        push(new PyBytes(take(u64())));
        break; // BINBYTES8, BYTEARRAY8
      case 0x7d:
        push(new PyDict());
        break; // EMPTY_DICT
      case 0x64: {
        const d = new PyDict();
        setItems(d, popMark());
        push(d);
        break;
      } // DICT
      case 0x73: {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      } // SETITEM
      case 0x75: {
        const items = popMark();
        setItems(top(), items);
        break;
      } // SETITEMS
      case 0x5d:
        push(new PyList([], 1));
        break; // EMPTY_LIST
      case 0x6c: {
        const l = new PyList([], 1);
        appendTo(l, popMark());
        push(l);
        break;
      } // LIST
      case 0x61: {
        const v = pop();
        appendTo(top(), [v]);
        break;
      } // APPEND
      case 0x65: {
        const items = popMark();
        appendTo(top(), items);
        break;
      } // APPENDS
      case 0x29:
        push(new PyTuple([], 1));
        break; // EMPTY_TUPLE
      case 0x74:
        push(tupleOf(popMark()));
        break; // TUPLE
      case 0x85: {
        const a = pop();
        push(tupleOf([a]));
        break;
      }
      case 0x86: {
        const b = pop();
        const a = pop();
        push(tupleOf([a, b]));
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        push(tupleOf([a, b, c]));
        break;
      }
      case 0x8f:
        push(new PySet());
        break; // EMPTY_SET
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof PySet)) throw fail(`cannot add items to ${typeName(s)}`);
        addItems(s, items);
        break;
      }
      case 0x91: {
        const s = new PySet();
        addItems(s, popMark());
        push(s);
        break;
      } // FROZENSET
      case 0x70:
        memoPut(textIndex(line(), fail), top());
        break; // PUT
      case 0x71:
        memoPut(u8(), top());
        break; // BINPUT
      case 0x72:
        memoPut(u32(), top());
        break; // LONG_BINPUT
      case 0x94:
        memoPut(memo.size, top());
        break; // MEMOIZE
      case 0x67:
        pushRef(memoGet(textIndex(line(), fail)));
        break; // GET
      case 0x68:
        pushRef(memoGet(u8()));
        break; // BINGET
      case 0x6a:
        pushRef(memoGet(u32()));
        break; // LONG_BINGET
      case 0x63: {
        const module = line();
        const name = line();
        push(resolve(module, name));
        break;
      } // GLOBAL
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw fail('module and name must be strings');
        push(resolve(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callee = pop();
        if (!(args instanceof PyTuple)) throw fail(`arguments must be a tuple, not ${typeName(args)}`);
        push(call(callee, args.items));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args); allow-listed classes implement it as a call.
        const args = pop();
        const cls = pop();
        if (!(args instanceof PyTuple)) throw fail(`arguments must be a tuple, not ${typeName(args)}`);
        push(call(cls, args.items));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!(args instanceof PyTuple)) throw fail(`arguments must be a tuple, not ${typeName(args)}`);
        if (!(kwargs instanceof PyDict) || kwargs.entries.size) throw fail('keyword arguments are not supported');
        push(call(cls, args.items));
        break;
      }
      case 0x69: {
        // INST: the global is checked against the allow-list like GLOBAL's.
        const module = line();
        const name = line();
        const g = resolve(module, name);
        push(call(g, popMark()));
        break;
      }
      case 0x6f: {
        // OBJ
        const items = popMark();
        if (!items.length) throw fail('no class given');
        push(call(items[0], items.slice(1)));
        break;
      }
      case 0x62: {
        // BUILD: only state on dicts (e.g. a state_dict's _metadata) and built objects, which is ignored.
        pop();
        const obj = top();
        if (!(obj instanceof PyDict) && !(obj instanceof PyObject)) throw fail(`cannot set state on ${typeName(obj)}`);
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = pop();
        if (!options.persistentLoad) throw fail('persistent ids are not allowed here');
        push(options.persistentLoad(pid, fail));
        break;
      }
      case 0x50: {
        // PERSID
        const pid = line();
        if (!options.persistentLoad) throw fail('persistent ids are not allowed here');
        push(options.persistentLoad(pid, fail));
        break;
      }
      default:
        throw fail('opcode not implemented');
    }
  }
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

function textIndex(s: string, fail: (problem: string) => DataFileError): number {
  if (!/^\d{1,10}$/.test(s)) throw fail(`not a memo index: ${JSON.stringify(s.slice(0, 40))}`);
  return Number(s);
}

/** Python 2 str repr ('...' or "..." with backslash escapes), as protocol 0's STRING writes it. */
function pyStringLiteral(s: string, fail: (problem: string) => DataFileError): string {
  const q = s[0];
  if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q) throw fail('string is not quoted');
  const body = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = {
      n: '\n',
      r: '\r',
      t: '\t',
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
    };
    if (e in simple) out += simple[e];
    else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/[0-7]/.test(e ?? '')) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCharCode(parseInt(m, 8) & 0xff);
      i += m.length - 1;
    } else throw fail(`bad escape in string: \\${e ?? ''}`);
  }
  return out;
}

/** Protocol 0's UNICODE: latin1 text with \uXXXX and \UXXXXXXXX escapes. */
function rawUnicodeEscape(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, a: string | undefined, b: string | undefined) => {
    const cp = parseInt((a ?? b) as string, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
  });
}
