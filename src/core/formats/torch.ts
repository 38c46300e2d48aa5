// PyTorch .pt/.pth reader: the zip format of torch.save (>= 1.6: <archive>/data.pkl plus one raw member per
// storage under <archive>/data/) and the legacy format (a run of pickles followed by raw storages). The pickle is
// read with the restricted reader and the allow-list below, so saved tensors load and code in the file never runs.

import type { ByteSource } from './byte-source';
import { subSource } from './byte-source';
import { budgetHint, DEFAULT_BUDGETS, type FormatBudgets } from './budgets';
import { clip, DataFileError } from './errors';
import { DTYPE_BYTES, type DType } from './dtype';
import {
  DEFAULT_PICKLE_LIMITS,
  type GlobalImpl,
  type PickleLimits,
  PickleTruncatedError,
  PyDict,
  PyGlobal,
  PyList,
  PyObject,
  PyTuple,
  type PyValue,
  typeName,
  unpickle,
} from './pickle';
import { stridedEntry } from './strided';
import { checkShape, elementCount, type TensorEntry } from './tensor-entry';
import { entryDataOffset, entrySource, openZip, readEntry, type ZipArchive } from './zip';

export interface TorchFile {
  tensors: TensorEntry[];
  /** Non-tensor leaves of the saved object (numbers, strings, booleans) by flattened key. */
  metadata: Record<string, string>;
  format: 'zip' | 'legacy';
}

/** Longest flattened key ('a.b.0') accepted; real ones are a few dozen characters. */
const MAX_PATH_CHARS = 4096;
/** Scalar leaves kept as metadata (the rest are left out: they are shown to the user, not used). */
const MAX_METADATA = 10_000;
/** torch.serialization's MAGIC_NUMBER, the first pickle of a legacy file. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_HINT =
  'This is the legacy (pre-1.6) torch.save format: re-save with torch.save(obj, path) in torch >= 1.6.';

const STORAGE_DTYPES: Record<string, DType> = {
  FloatStorage: 'f32',
  DoubleStorage: 'f64',
  HalfStorage: 'f16',
  BFloat16Storage: 'bf16',
  LongStorage: 'i64',
  IntStorage: 'i32',
  ShortStorage: 'i16',
  CharStorage: 'i8',
  ByteStorage: 'u8',
  BoolStorage: 'bool',
};
const TORCH_DTYPES: Record<string, DType> = {
  float32: 'f32',
  float: 'f32',
  float64: 'f64',
  double: 'f64',
  float16: 'f16',
  half: 'f16',
  bfloat16: 'bf16',
  int64: 'i64',
  long: 'i64',
  int32: 'i32',
  int: 'i32',
  int16: 'i16',
  short: 'i16',
  int8: 'i8',
  uint8: 'u8',
  bool: 'bool',
  uint16: 'u16',
  uint32: 'u32',
  uint64: 'u64',
};

interface StorageRef {
  key: string;
  /** null for an UntypedStorage (bytes), whose dtype comes from _rebuild_tensor_v3. */
  dtype: DType | null;
  /** Length in elements of `dtype` (bytes when untyped). */
  length: number;
  /** Legacy view storages start this many elements into their root storage. */
  viewOffset: number;
}

interface TensorRef {
  storage: StorageRef;
  /** Elements of `dtype` the storage holds (for untyped storages, its bytes divided by the element size). */
  storageElements: number;
  dtype: DType;
  offset: number;
  shape: number[];
  stride: number[];
}

type Fail = (problem: string) => DataFileError;

function int(v: PyValue, what: string, fail: Fail): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw fail(`${what} must be a non-negative integer, not ${typeof v === 'number' ? v : typeName(v)}`);
  return v;
}

function intTuple(v: PyValue, what: string, fail: Fail): number[] {
  if (!(v instanceof PyTuple) && !(v instanceof PyList)) throw fail(`${what} must be a tuple, not ${typeName(v)}`);
  return v.items.map((x, i) => int(x, `${what}[${i}]`, fail));
}

/** Validates a view against its storage and makes the tensor object the pickle will hold. */
function rebuild(
  storage: PyValue,
  offsetV: PyValue,
  sizeV: PyValue,
  strideV: PyValue,
  dtypeOverride: DType | null,
  fail: Fail,
): PyObject {
  if (!(storage instanceof PyObject) || storage.type !== 'storage')
    throw fail(`expected a storage, got ${typeName(storage)}`);
  const ref = storage.value as StorageRef;
  const shape = intTuple(sizeV, 'size', fail);
  const stride = intTuple(strideV, 'stride', fail);
  checkShape(shape, fail);
  if (shape.length !== stride.length) throw fail(`size has ${shape.length} dimensions but stride has ${stride.length}`);
  const dtype = dtypeOverride ?? ref.dtype;
  if (!dtype) throw fail('an untyped storage needs the dtype that _rebuild_tensor_v3 gives');
  let length = ref.length;
  if (ref.dtype === null) {
    if (length % DTYPE_BYTES[dtype]) throw fail(`untyped storage of ${length} bytes is not a whole number of ${dtype}`);
    length /= DTYPE_BYTES[dtype];
  } else if (ref.dtype !== dtype) {
    throw fail(`tensor dtype ${dtype} does not match its ${ref.dtype} storage`);
  }
  const offset = int(offsetV, 'storage offset', fail);
  let count = 1;
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    count *= shape[d];
    last += (shape[d] - 1) * stride[d];
  }
  if (count > 0 && last >= length) {
    throw fail(
      `view (offset ${offset}, size [${shape}], stride [${stride}]) reaches element ${last} but its storage '${ref.key}' has ${length}`,
    );
  }
  const tensor: TensorRef = {
    storage: ref,
    storageElements: length,
    dtype,
    offset: offset + ref.viewOffset,
    shape,
    stride,
  };
  return new PyObject('tensor', tensor);
}

function dtypeArg(v: PyValue, fail: Fail): DType {
  const dt = v instanceof PyGlobal && v.module === 'torch' ? TORCH_DTYPES[v.name] : undefined;
  if (!dt) throw fail(`unsupported tensor dtype ${typeName(v)}`);
  return dt;
}

/** The allow-list: every global a torch.save pickle of tensors and containers uses, implemented here. */
export const TORCH_GLOBALS: ReadonlyMap<string, GlobalImpl> = (() => {
  const m = new Map<string, GlobalImpl>();
  const ref: GlobalImpl = {}; // referenced as a value only (storage classes, dtypes, tensor types)
  for (const name of Object.keys(STORAGE_DTYPES)) {
    m.set(`torch.${name}`, ref);
    m.set(`torch.cuda.${name}`, ref);
  }
  m.set('torch.UntypedStorage', ref);
  for (const name of Object.keys(TORCH_DTYPES)) m.set(`torch.${name}`, ref);
  m.set('torch.Tensor', ref);
  m.set('torch.nn.parameter.Parameter', ref);
  m.set('torch._utils._rebuild_tensor', {
    call: (a, fail) => rebuild(a[0], a[1], a[2], a[3], null, fail),
  });
  m.set('torch._utils._rebuild_tensor_v2', {
    call: (a, fail) => {
      if (a.length < 4) throw fail(`expected at least 4 arguments, got ${a.length}`);
      return rebuild(a[0], a[1], a[2], a[3], null, fail);
    },
  });
  m.set('torch._utils._rebuild_tensor_v3', {
    call: (a, fail) => {
      if (a.length < 7) throw fail(`expected at least 7 arguments, got ${a.length}`);
      return rebuild(a[0], a[1], a[2], a[3], dtypeArg(a[6], fail), fail);
    },
  });
  const parameter: GlobalImpl = {
    call: (a, fail) => {
      if (!(a[0] instanceof PyObject) || a[0].type !== 'tensor')
        throw fail(`expected a tensor, got ${typeName(a[0] ?? null)}`);
      return a[0];
    },
  };
  m.set('torch._utils._rebuild_parameter', parameter);
  m.set('torch._utils._rebuild_parameter_with_state', parameter);
  // Tensor subclasses and Parameters in newer torch: (func, type, args, state) -> func(*args).
  const fromType: GlobalImpl = {
    call: (a, fail) => {
      const [func, , args] = a;
      if (!(func instanceof PyGlobal) || !func.impl.call || !func.name.startsWith('_rebuild_')) {
        throw fail(`expected a tensor rebuild function, got ${typeName(func ?? null)}`);
      }
      if (!(args instanceof PyTuple)) throw fail('arguments must be a tuple');
      return func.impl.call(args.items, fail);
    },
  };
  m.set('torch._tensor._rebuild_from_type_v2', fromType);
  m.set('torch._tensor._rebuild_from_type', fromType);
  m.set('collections.OrderedDict', {
    call: (a, fail) => {
      const d = new PyDict();
      if (a.length === 0) return d;
      throw fail('only an empty OrderedDict() is built; items arrive through SETITEMS');
    },
  });
  m.set('torch.Size', {
    call: (a, fail) => {
      const items = a[0];
      if (!(items instanceof PyTuple) && !(items instanceof PyList)) throw fail('expected a tuple of sizes');
      return new PyTuple(items.items, 1);
    },
  });
  m.set('torch.device', {
    call: (a) =>
      a
        .map((x) => (typeof x === 'string' || typeof x === 'number' ? String(x) : ''))
        .filter(Boolean)
        .join(':'),
  });
  return m;
})();

/** A container's flattened contents, relative to it: tensors and scalar leaves under their key paths. */
interface Flat {
  tensors: [string, TensorRef][];
  scalars: [string, string][];
}

/**
 * Walks the saved object into flat keys ('a.b.0'), collecting tensors and scalar leaves. The object is a graph:
 * the memo shares values (tied weights are one tensor under two keys), and a container may even hold itself. Each
 * container is walked once, iteratively, and its flattened contents are reused wherever it is referenced again;
 * a cycle is refused, and the work of copying shared contents under each of their paths is counted, so an object
 * whose shared parts multiply into 2^60 paths costs at most `pickleObjects` steps (and is refused at the tensors
 * budget when those paths end in tensors).
 */
function flatten(
  root: PyValue,
  file: string,
  budgets: FormatBudgets,
): { tensors: { key: string; ref: TensorRef }[]; metadata: Record<string, string> } {
  let work = 0;
  const spend = (n: number, path: string) => {
    work += n;
    if (work > budgets.pickleObjects) {
      throw new DataFileError(
        file,
        `listing the saved object takes more than ${budgets.pickleObjects} steps (shared parts repeated over and over?) (${budgetHint('pickleObjects', budgets.pickleObjects)})`,
        { key: clip(path, 80) },
      );
    }
  };
  const join = (path: string, k: string) => {
    const p = path ? `${path}.${k}` : k;
    if (p.length > MAX_PATH_CHARS)
      throw new DataFileError(file, `a key path is longer than ${MAX_PATH_CHARS} characters`, { key: p });
    return p;
  };
  /** Appends `child`'s contents to `into` under `key`. */
  const merge = (into: Flat, key: string, child: Flat) => {
    spend(child.tensors.length + child.scalars.length, key);
    if (into.tensors.length + child.tensors.length > budgets.tensors) {
      throw new DataFileError(
        file,
        `more than ${budgets.tensors} tensors (${budgetHint('tensors', budgets.tensors)})`,
        {
          key: clip(key, 80),
        },
      );
    }
    for (const [k, t] of child.tensors) into.tensors.push([join(key, k), t]);
    for (const [k, v] of child.scalars) {
      if (into.scalars.length >= MAX_METADATA) break;
      into.scalars.push([join(key, k), v]);
    }
  };
  const isContainer = (v: PyValue): v is PyDict | PyList | PyTuple =>
    v instanceof PyDict || v instanceof PyList || v instanceof PyTuple;
  const childrenOf = (v: PyDict | PyList | PyTuple): [string, PyValue][] =>
    v instanceof PyDict
      ? [...v.entries.values()].map(([k, val]) => [keyText(k), val])
      : v.items.map((x, i) => [String(i), x]);
  /** Adds one leaf (or an already flattened container) to `into`; returns a container still to walk. */
  const leaf = (into: Flat, key: string, v: PyValue): PyDict | PyList | PyTuple | undefined => {
    spend(1, key);
    if (v instanceof PyObject && v.type === 'tensor') {
      if (into.tensors.length >= budgets.tensors)
        throw new DataFileError(
          file,
          `more than ${budgets.tensors} tensors (${budgetHint('tensors', budgets.tensors)})`,
        );
      into.tensors.push([key, v.value as TensorRef]);
    } else if (isContainer(v)) {
      const done = memo.get(v);
      if (done) merge(into, key, done);
      else if (onPath.has(v)) throw new DataFileError(file, 'the saved object contains itself (a cycle)', { key });
      else return v;
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
      if (into.scalars.length < MAX_METADATA) into.scalars.push([key, clip(String(v), 200)]);
    }
    return undefined;
  };
  const memo = new Map<PyValue, Flat>();
  const onPath = new Set<PyValue>();
  type Frame = {
    node: PyDict | PyList | PyTuple;
    key: string;
    children: [string, PyValue][];
    next: number;
    flat: Flat;
  };
  const top: Flat = { tensors: [], scalars: [] };
  const frames: Frame[] = [];
  const enter = (node: PyDict | PyList | PyTuple, key: string) => {
    if (frames.length >= budgets.depth)
      throw new DataFileError(file, `saved object is nested deeper than ${budgets.depth} levels`, { key });
    onPath.add(node);
    const children = childrenOf(node);
    spend(children.length, key);
    frames.push({ node, key, children, next: 0, flat: { tensors: [], scalars: [] } });
  };
  const rootContainer = leaf(top, '', root);
  if (rootContainer) enter(rootContainer, '');
  while (frames.length) {
    const f = frames[frames.length - 1];
    if (f.next < f.children.length) {
      const [k, v] = f.children[f.next++];
      const todo = leaf(f.flat, k, v);
      if (todo) enter(todo, k);
      continue;
    }
    frames.pop();
    onPath.delete(f.node);
    memo.set(f.node, f.flat);
    merge(frames.length ? frames[frames.length - 1].flat : top, f.key, f.flat);
  }
  // Views larger than their storage repeat it (stride 0): legal, but each is materialised on its own.
  let repeated = 0;
  for (const [key, ref] of top.tensors) {
    const count = elementCount(ref.shape);
    if (count <= ref.storageElements) continue;
    repeated += count;
    if (repeated > budgets.viewElements) {
      throw new DataFileError(
        file,
        `views repeat their storages into more than ${budgets.viewElements} elements in all (${budgetHint('viewElements', budgets.viewElements)})`,
        { key },
      );
    }
  }
  return {
    tensors: top.tensors.map(([key, ref]) => ({ key, ref })),
    metadata: Object.fromEntries(top.scalars),
  };
}

function keyText(k: PyValue): string {
  if (typeof k === 'string') return clip(k, 200);
  if (typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return String(k);
  if (k === null) return 'None';
  if (k instanceof PyTuple) return k.items.map(keyText).join(',');
  return typeName(k);
}

/** Finds the pickle of a torch.save zip: '<archive>/data.pkl' (the archive folder is named after the file). */
export function torchPickleName(zip: ZipArchive): string | undefined {
  let best: string | undefined;
  for (let i = 0; i < zip.count; i++) {
    const n = zip.nameAt(i);
    if (n.endsWith('data.pkl') && /^([^/]*\/)?data\.pkl$/.test(n) && (best === undefined || n.length < best.length))
      best = n;
  }
  return best;
}

/** The unpickler's limits under these budgets. */
function pickleLimits(budgets: FormatBudgets): PickleLimits {
  return { ...DEFAULT_PICKLE_LIMITS, maxDepth: budgets.depth, maxObjects: budgets.pickleObjects };
}

export async function openTorchZip(
  source: ByteSource,
  archive?: ZipArchive,
  budgets: FormatBudgets = archive?.budgets ?? DEFAULT_BUDGETS,
): Promise<TorchFile> {
  const file = source.name;
  const zip = archive ?? (await openZip(source, budgets));
  const pklName = torchPickleName(zip);
  if (!pklName) throw new DataFileError(file, 'zip archive has no data.pkl, so it is not a torch.save file');
  const prefix = pklName.slice(0, -'data.pkl'.length);
  const pkl = zip.find(pklName)!;
  let littleEndian = true;
  const order = zip.find(`${prefix}byteorder`);
  if (order) {
    const text = new TextDecoder().decode(await readEntry(zip, order, 16)).trim();
    if (text !== 'little' && text !== 'big')
      throw new DataFileError(file, `byteorder member says '${text.slice(0, 16)}'`, { key: order.name });
    littleEndian = text === 'little';
  }
  const bytes = await readEntry(zip, pkl, budgets.pickleBytes, 'pickleBytes');
  const baseOffset = pkl.method === 0 ? await entryDataOffset(zip, pkl) : undefined;
  const storages = new Map<string, StorageRef>();
  const { value } = unpickle(bytes, 0, {
    file,
    key: pklName,
    baseOffset,
    globals: TORCH_GLOBALS,
    limits: pickleLimits(budgets),
    persistentLoad: (pid, fail) => {
      // ('storage', StorageClass, key, location, numel): the storage's bytes are the member data/<key>.
      if (!(pid instanceof PyTuple) || pid.items.length < 5 || pid.items[0] !== 'storage') {
        throw fail(`persistent id must be ('storage', type, key, location, size), not ${typeName(pid)}`);
      }
      const [, type, keyV, , sizeV] = pid.items;
      const { dtype, key } = storageKind(type, keyV, fail);
      const length = int(sizeV, 'storage size', fail);
      const member = zip.find(`${prefix}data/${key}`);
      if (!member) throw fail(`storage '${key}' has no member ${prefix}data/${key} in the archive`);
      const bytesNeeded = length * (dtype ? DTYPE_BYTES[dtype] : 1);
      if (member.uncompressedSize < bytesNeeded) {
        throw fail(`storage '${key}' needs ${bytesNeeded} bytes but its member holds ${member.uncompressedSize}`);
      }
      return new PyObject('storage', sharedStorage(storages, { key, dtype, length, viewOffset: 0 }, fail));
    },
  });
  const { tensors, metadata } = flatten(value, file, budgets);
  return {
    format: 'zip',
    metadata,
    tensors: tensors.map(({ key, ref }) =>
      stridedEntry({
        key,
        dtype: ref.dtype,
        shape: ref.shape,
        stride: ref.stride,
        offset: ref.offset,
        littleEndian,
        file,
        maxElements: budgets.tensorElements,
        compressedStorage: zip.find(`${prefix}data/${ref.storage.key}`)!.method !== 0,
        openStorage: () => entrySource(zip, zip.find(`${prefix}data/${ref.storage.key}`)!),
      }),
    ),
  };
}

function storageKind(type: PyValue, keyV: PyValue, fail: Fail): { dtype: DType | null; key: string } {
  if (!(type instanceof PyGlobal)) throw fail(`storage type must be a storage class, not ${typeName(type)}`);
  const dtype = type.name === 'UntypedStorage' ? null : STORAGE_DTYPES[type.name];
  if (dtype === undefined) throw fail(`unsupported storage type ${type.qualname}`);
  if (typeof keyV !== 'string' || !/^[\w.-]{1,200}$/.test(keyV)) throw fail('storage key must be a short name');
  return { dtype, key: keyV };
}

/** Several tensors may share a storage; they must agree on what it is. */
function sharedStorage(storages: Map<string, StorageRef>, ref: StorageRef, fail: Fail): StorageRef {
  const seen = storages.get(ref.key);
  if (!seen) {
    storages.set(ref.key, ref);
    return ref;
  }
  if (seen.dtype !== ref.dtype || seen.length !== ref.length)
    throw fail(`storage '${ref.key}' is described two different ways`);
  return seen;
}

/** A legacy file starts with the pickled magic number: PROTO 2, LONG1 of 10 bytes. */
export function looksLikeLegacyTorch(head: Uint8Array): boolean {
  const magic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

export async function openTorchLegacy(
  source: ByteSource,
  budgets: FormatBudgets = DEFAULT_BUDGETS,
): Promise<TorchFile> {
  try {
    return await readLegacy(source, budgets);
  } catch (e) {
    const known = ['legacy', 'refused global', 'budget'].some(
      (w) => e instanceof DataFileError && e.problem.includes(w),
    );
    if (e instanceof DataFileError && !known) {
      throw new DataFileError(e.file, `${e.problem}. ${LEGACY_HINT}`, e.where);
    }
    throw e;
  }
}

async function readLegacy(source: ByteSource, budgets: FormatBudgets): Promise<TorchFile> {
  const file = source.name;
  const head = await source.read(0, Math.min(source.size, 512));
  if (head.length >= 262 && new TextDecoder('latin1').decode(head.subarray(257, 262)) === 'ustar') {
    throw new DataFileError(
      file,
      `this is the tar-based torch.save format (torch < 0.4), which is not read. ${LEGACY_HINT}`,
    );
  }
  // The pickles come first and their total length is unknown: read a growing prefix until all five parse.
  let want = Math.min(source.size, 1 << 20);
  for (;;) {
    const bytes = await source.read(0, want);
    try {
      return await parseLegacy(source, bytes, budgets);
    } catch (e) {
      if (!(e instanceof PickleTruncatedError) || bytes.length >= source.size) throw e;
      if (want >= budgets.pickleBytes)
        throw new DataFileError(
          file,
          `the pickles run past ${budgets.pickleBytes} bytes (${budgetHint('pickleBytes', budgets.pickleBytes)})`,
          { offset: 0 },
        );
      want = Math.min(source.size, want * 4, budgets.pickleBytes);
    }
  }
}

async function parseLegacy(source: ByteSource, bytes: Uint8Array, budgets: FormatBudgets): Promise<TorchFile> {
  const file = source.name;
  const limits = pickleLimits(budgets);
  const plain = { file, globals: new Map<string, GlobalImpl>(), limits };
  const magic = unpickle(bytes, 0, plain);
  if (magic.value !== LEGACY_MAGIC)
    throw new DataFileError(file, 'not a PyTorch file (legacy magic number missing)', { offset: 0 });
  const protocol = unpickle(bytes, magic.end, plain);
  if (protocol.value !== 1001)
    throw new DataFileError(file, `unsupported legacy protocol version ${String(protocol.value)}`, {
      offset: magic.end,
    });
  const sysInfo = unpickle(bytes, protocol.end, plain);
  let littleEndian = true;
  if (sysInfo.value instanceof PyDict) {
    const le = sysInfo.value.entries.get('slittle_endian');
    if (le && le[1] === false) littleEndian = false;
  }
  const roots = new Map<string, StorageRef>();
  const obj = unpickle(bytes, sysInfo.end, {
    file,
    globals: TORCH_GLOBALS,
    limits,
    persistentLoad: (pid, fail) => {
      // ('storage', StorageClass, root_key, location, numel, view_metadata); view_metadata = (view_key, offset, size).
      if (!(pid instanceof PyTuple) || pid.items.length < 6 || pid.items[0] !== 'storage') {
        throw fail(`persistent id must be ('storage', type, key, location, size, view), not ${typeName(pid)}`);
      }
      const [, type, keyV, , sizeV, view] = pid.items;
      const { dtype, key } = storageKind(type, keyV, fail);
      if (dtype === null) throw fail('untyped storages do not occur in the legacy format');
      const root = sharedStorage(roots, { key, dtype, length: int(sizeV, 'storage size', fail), viewOffset: 0 }, fail);
      if (view === null) return new PyObject('storage', root);
      if (!(view instanceof PyTuple) || view.items.length !== 3) throw fail('storage view must be (key, offset, size)');
      const viewOffset = int(view.items[1], 'view offset', fail);
      const length = int(view.items[2], 'view size', fail);
      if (viewOffset + length > root.length)
        throw fail(`storage view [${viewOffset}, ${viewOffset + length}) exceeds its root of ${root.length}`);
      return new PyObject('storage', { key, dtype, length, viewOffset });
    },
  });
  const keys = unpickle(bytes, obj.end, plain);
  if (!(keys.value instanceof PyList) || !keys.value.items.every((k) => typeof k === 'string')) {
    throw new DataFileError(file, 'the list of storage keys after the object is missing', { offset: obj.end });
  }
  // Raw storages follow in that order, each an int64 element count then the elements.
  const where = new Map<string, { dataOffset: number; length: number }>();
  let pos = keys.end;
  for (const key of keys.value.items as string[]) {
    const root = roots.get(key);
    if (!root || !root.dtype)
      throw new DataFileError(file, `storage '${key}' is listed but no tensor uses it`, { offset: pos });
    if (pos + 8 > source.size) throw new DataFileError(file, `file ends before storage '${key}'`, { key, offset: pos });
    // The count is in the prefix already read unless many storages came before; then read just its 8 bytes.
    const countBytes = pos + 8 <= bytes.length ? bytes.subarray(pos, pos + 8) : await source.read(pos, 8);
    if (countBytes.length < 8) throw new DataFileError(file, `file ends before storage '${key}'`, { key, offset: pos });
    const count = new DataView(countBytes.buffer, countBytes.byteOffset, 8).getBigInt64(0, true);
    if (count !== BigInt(root.length)) {
      throw new DataFileError(file, `storage '${key}' holds ${count} elements but the pickle says ${root.length}`, {
        key,
        offset: pos,
      });
    }
    where.set(key, { dataOffset: pos + 8, length: root.length });
    pos += 8 + root.length * DTYPE_BYTES[root.dtype];
    if (pos > source.size)
      throw new DataFileError(file, `file ends inside storage '${key}'`, { key, offset: source.size });
  }
  const { tensors, metadata } = flatten(obj.value, file, budgets);
  for (const { key, ref } of tensors) {
    if (!where.has(ref.storage.key))
      throw new DataFileError(file, `storage '${ref.storage.key}' is not in the file`, { key });
  }
  return {
    format: 'legacy',
    metadata,
    tensors: tensors.map(({ key, ref }) => {
      const at = where.get(ref.storage.key)!;
      const itemBytes = DTYPE_BYTES[ref.dtype];
      return stridedEntry({
        key,
        dtype: ref.dtype,
        shape: ref.shape,
        stride: ref.stride,
        offset: ref.offset,
        littleEndian,
        file,
        maxElements: budgets.tensorElements,
        openStorage: async () => subSource(source, at.dataOffset, at.length * itemBytes),
      });
    }),
  };
}
