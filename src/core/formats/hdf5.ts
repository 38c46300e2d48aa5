// HDF5 (.h5/.hdf5) reader through h5wasm, the maintained WebAssembly build of libhdf5: lists every numeric
// dataset in every group (chunked, gzip-compressed or not) and reads it, whole or by rows, in row slices as f32.
//
// Loading: h5wasm's ESM build embeds its .wasm in the JS (emscripten SINGLE_FILE), so the dynamic import below
// works unchanged in Node (tests, CLI) and in a browser worker, where Vite bundles it into its own chunk: no CDN,
// no separate .wasm fetch, and users who never open an HDF5 file never download it.
//
// File access: libhdf5 reads synchronously through emscripten's file system. When the source can read
// synchronously (ByteSource.readSync: a File in a worker through FileReaderSync, a Node fd, a Uint8Array), the
// file is mounted as a one-file, read-only file system whose reads go straight to the source, slice by slice as
// libhdf5 asks, so an HDF5 file of any size opens without being copied. Otherwise (a Blob on the page's main
// thread, which has no synchronous reader) the whole file is copied into emscripten's in-memory FS (MEMFS, on the
// JS heap), which is refused above the hdf5CopyBytes budget. Either way close() releases it. libhdf5's error stack
// is cleared before every call whose failure is reported, so a message never carries an earlier call's frames.

import type { ByteSource } from './byte-source';
import { readAll } from './byte-source';
import { budgetHint, DEFAULT_BUDGETS, type FormatBudgets } from './budgets';
import { DataFileError } from './errors';
import { decodeToF32, type DType } from './dtype';
import { checkRowRange, READ_SLICE_BYTES, tooLargeError } from './npy';
import { allocF32, checkShape, elementCount, type TensorEntry } from './tensor-entry';
import type * as H5wasm from 'h5wasm';

/** gzip expands at most ~1032:1, so a dataset claiming more than this many bytes per file byte is forged. */
const MAX_EXPANSION = 1100;

export interface Hdf5File {
  tensors: TensorEntry[];
  /** Root attributes with string or number values. */
  metadata: Record<string, string>;
  /** Datasets that are not numeric arrays (strings, compounds, references), with why they were left out. */
  skipped: { key: string; reason: string }[];
  /** Closes the file in libhdf5 and releases the mount or the in-memory copy; entries cannot be read afterwards. */
  close(): void;
}

interface EmNode {
  id: number;
  mode: number;
  node_ops: object;
  stream_ops: object;
}

interface EmFs {
  mount(type: { mount(mount: unknown): EmNode }, opts: object, mountpoint: string): EmNode;
  unmount(mountpoint: string): void;
  createNode(parent: EmNode | null, name: string, mode: number, rdev: number): EmNode;
  rmdir(path: string): void;
  ErrnoError: new (errno: number) => Error;
  writeFile(path: string, data: Uint8Array, opts?: { canOwn?: boolean }): void;
  readFile(path: string, opts: { encoding: 'utf8' }): string;
  unlink(path: string): void;
  mkdir(path: string): void;
  analyzePath(path: string): { exists: boolean };
  open(path: string, flags: string): { fd: number };
  close(stream: unknown): void;
  getStream(fd: number): unknown;
  llseek(stream: unknown, offset: number, whence: number): number;
  ftruncate(fd: number, len: number): void;
}

interface DatasetMetadata {
  type: number;
  size: number;
  signed: boolean;
  littleEndian: boolean;
  vlen: boolean;
  shape: number[] | null;
  total_size: number;
  enum_type?: { type: number; size: number; signed: boolean; members?: Record<string, number> };
}

interface H5Api {
  FS: EmFs;
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(ptr: number): void;
  open(path: string, mode?: number): bigint;
  close_file(id: bigint): number;
  get_names(id: bigint, path: string, recursive: boolean): string[];
  get_type(id: bigint, path: string): number;
  get_dataset_metadata(id: bigint, path: string): DatasetMetadata;
  get_dataset_data(
    id: bigint,
    path: string,
    count: bigint[] | null,
    offset: bigint[] | null,
    strides: bigint[] | null,
    ptr: bigint,
  ): number;
  H5G_DATASET: number;
  H5F_ACC_RDONLY: number;
}

const ERR_LOG = '/probelab-hdf5-errors.log';
const DIR = '/probelab-h5';
type H5Lib = typeof H5wasm;
let api: Promise<{ m: H5Api; errFd: number; lib: H5Lib }> | undefined;
let fileCounter = 0;

function load(): Promise<{ m: H5Api; errFd: number; lib: H5Lib }> {
  api ??= (async () => {
    const lib = await import('h5wasm');
    const m = (await lib.ready) as unknown as H5Api;
    // libhdf5 prints its error stack to stderr (console.error) and h5wasm ignores many error returns. Point the
    // module's fd 2 at a log file instead, so errors are collected into DataFileError messages rather than
    // spilled on the console. (h5wasm's optional throwing handler is not used: throwing through libhdf5's C
    // frames leaked its state and later corrupted memory under fuzzing.)
    let errFd = -1;
    try {
      m.FS.close(m.FS.getStream(2));
      errFd = m.FS.open(ERR_LOG, 'w+').fd;
    } catch {
      /* keep the console if the FS layout is not what we expect */
    }
    if (!m.FS.analyzePath(DIR).exists) m.FS.mkdir(DIR);
    return { m, errFd, lib };
  })();
  return api;
}

/** The collected libhdf5 error stack, condensed to its outermost and innermost messages, and cleared. */
function takeErrors(m: H5Api, errFd: number): string {
  if (errFd < 0) return '';
  let text: string;
  try {
    text = m.FS.readFile(ERR_LOG, { encoding: 'utf8' });
    m.FS.ftruncate(errFd, 0);
    m.FS.llseek(m.FS.getStream(errFd), 0, 0);
  } catch {
    return '';
  }
  const frames = [...text.matchAll(/#\d+: .*? in (\w+\(\)): (.*)$/gm)].map((x) => `${x[1]}: ${x[2]}`);
  if (!frames.length) return '';
  const parts = frames.length > 1 ? [frames[0], frames[frames.length - 1]] : frames;
  return ` (libhdf5: ${parts.join(' ... ')})`;
}

function dtypeOf(md: DatasetMetadata): DType | string {
  const { type, size } = md;
  if (type === 3) return 'strings';
  if (md.vlen) return 'variable-length data';
  if (type === 1) return size === 2 ? 'f16' : size === 4 ? 'f32' : size === 8 ? 'f64' : `${size * 8}-bit floats`;
  if (type === 0 || (type === 8 && md.enum_type)) {
    const base = type === 8 ? md.enum_type! : md;
    // h5py stores numpy bool as an enum {FALSE: 0, TRUE: 1} over int8.
    if (type === 8) {
      const names = Object.keys(md.enum_type?.members ?? {})
        .sort()
        .join(',');
      if (base.size === 1 && names === 'FALSE,TRUE') return 'bool';
    }
    const bits = base.size * 8;
    const t = `${base.signed ? 'i' : 'u'}${bits}`;
    return ['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64'].includes(t) ? (t as DType) : `${bits}-bit integers`;
  }
  const names: Record<number, string> = {
    2: 'time',
    3: 'strings',
    4: 'bitfields',
    5: 'opaque data',
    6: 'compound records',
    7: 'references',
    9: 'variable-length data',
    10: 'arrays',
  };
  return names[type] ?? `HDF5 type class ${type}`;
}

const DTYPE_NAMES = new Set([
  'bool',
  'u8',
  'i8',
  'u16',
  'i16',
  'u32',
  'i32',
  'u64',
  'i64',
  'f16',
  'bf16',
  'f32',
  'f64',
]);

/** Where libhdf5 finds the file, how to take it away again, and why the source last failed to read (if it did). */
interface Placed {
  path: string;
  remove(): void;
  readError(): string;
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const ENOENT = 44;
const EINVAL = 28;
const EIO = 29;

/**
 * Mounts at `dir` a read-only file system holding one file whose reads call `readSync`. Only what libhdf5's
 * default (sec2) driver uses is provided: stat, open, positioned reads and seeks.
 */
function mountSliced(m: H5Api, dir: string, size: number, readSync: NonNullable<ByteSource['readSync']>): Placed {
  const { FS } = m;
  const time = new Date();
  const stat = (node: EmNode, bytes: number) => ({
    dev: 1,
    ino: node.id,
    mode: node.mode,
    nlink: 1,
    uid: 0,
    gid: 0,
    rdev: 0,
    size: bytes,
    atime: time,
    mtime: time,
    ctime: time,
    blksize: 4096,
    blocks: Math.ceil(bytes / 4096),
  });
  let lastError = '';
  FS.mkdir(dir);
  const root = FS.mount(
    {
      mount: () =>
        Object.assign(FS.createNode(null, '/', S_IFDIR | 0o555, 0), {
          node_ops: {
            getattr: (node: EmNode) => stat(node, 0),
            // Reached only for names that are not there (FS finds the one file through its node table).
            lookup: () => {
              throw new FS.ErrnoError(ENOENT);
            },
          },
        }),
    },
    {},
    dir,
  );
  // Created after mounting so it belongs to the mount, and unmount() drops it (and with it the source).
  const file = FS.createNode(root, 'data.h5', S_IFREG | 0o444, 0);
  file.node_ops = { getattr: (node: EmNode) => stat(node, size) };
  file.stream_ops = {
    read: (_stream: unknown, heap: Int8Array, at: number, length: number, position: number) => {
      if (position >= size) return 0;
      let bytes: Uint8Array;
      try {
        bytes = readSync(position, Math.min(length, size - position));
      } catch (e) {
        // A JS exception must not unwind through libhdf5's C frames: report an I/O error, which it handles.
        lastError = ` (reading the file failed: ${(e as Error)?.message ?? e})`;
        throw new FS.ErrnoError(EIO);
      }
      new Uint8Array(heap.buffer, heap.byteOffset + at, bytes.length).set(bytes);
      return bytes.length;
    },
    llseek: (stream: { position: number }, offset: number, whence: number) => {
      const position = offset + (whence === 1 ? stream.position : whence === 2 ? size : 0);
      if (position < 0) throw new FS.ErrnoError(EINVAL);
      return position;
    },
  };
  return {
    path: `${dir}/data.h5`,
    remove: () => {
      FS.unmount(dir);
      FS.rmdir(dir);
    },
    readError: () => {
      const e = lastError;
      lastError = '';
      return e;
    },
  };
}

async function copyToMemfs(m: H5Api, path: string, source: ByteSource, limit: number): Promise<Placed> {
  if (source.size > limit) {
    throw new DataFileError(
      source.name,
      `HDF5 files are copied into memory to be read here, and this one (${source.size} bytes) is over the ${limit}-byte limit; save the activations as .npy or .safetensors instead (${budgetHint('hdf5CopyBytes', limit)})`,
    );
  }
  m.FS.writeFile(path, await readAll(source), { canOwn: true });
  return { path, remove: () => m.FS.unlink(path), readError: () => '' };
}

export async function openHdf5(source: ByteSource, budgets: FormatBudgets = DEFAULT_BUDGETS): Promise<Hdf5File> {
  const file = source.name;
  const { m, errFd, lib } = await load();
  takeErrors(m, errFd);
  // A fresh name per open: libhdf5 caches open files by name, and a half-opened corrupt file must never be
  // mistaken for the next one.
  const name = `${DIR}/${++fileCounter}`;
  const readSync = source.readSync?.bind(source);
  const placed = readSync
    ? mountSliced(m, name, source.size, readSync)
    : await copyToMemfs(m, `${name}.h5`, source, budgets.hdf5CopyBytes);
  const path = placed.path;
  const errors = () => takeErrors(m, errFd) + placed.readError();
  let id = -1n;
  const release = () => {
    if (id >= 0n) {
      m.close_file(id);
      id = -1n;
    }
    try {
      placed.remove();
    } catch {
      /* already gone */
    }
    errors();
  };
  const fail = (problem: string, key?: string) => new DataFileError(file, problem + errors(), { key });
  try {
    try {
      id = m.open(path, m.H5F_ACC_RDONLY);
    } catch (e) {
      throw fail(`libhdf5 could not open the file: ${(e as Error)?.message ?? e}`);
    }
    if (id < 0n) throw fail('libhdf5 could not open the file (not HDF5, or corrupt)');
    let names: string[];
    try {
      errors();
      names = m.get_names(id, '/', true);
    } catch (e) {
      throw fail(`libhdf5 could not list the file's groups: ${(e as Error)?.message ?? e}`);
    }
    const tensors: TensorEntry[] = [];
    const skipped: { key: string; reason: string }[] = [];
    const fileId = () => {
      if (id < 0n) throw new DataFileError(file, 'the HDF5 file was closed');
      return id;
    };
    for (const key of names) {
      const p = `/${key}`;
      let type: number;
      let md: DatasetMetadata;
      try {
        errors();
        type = m.get_type(id, p);
        if (type !== m.H5G_DATASET) continue;
        md = m.get_dataset_metadata(id, p);
      } catch (e) {
        throw fail(`libhdf5 could not read this object's description: ${(e as Error)?.message ?? e}`, key);
      }
      if (!md || md.shape === null || md.shape === undefined) {
        skipped.push({ key, reason: 'empty (null dataspace)' });
        continue;
      }
      const dtype = dtypeOf(md);
      if (!DTYPE_NAMES.has(dtype)) {
        skipped.push({ key, reason: `holds ${dtype}` });
        continue;
      }
      const shape = md.shape.map(Number);
      checkShape(shape, (problem) => fail(`dataset ${problem}`, key));
      const count = elementCount(shape);
      if (tensors.length >= budgets.tensors)
        throw fail(`more than ${budgets.tensors} datasets (${budgetHint('tensors', budgets.tensors)})`, key);
      if (count * md.size > MAX_EXPANSION * source.size + (1 << 20)) {
        throw fail(
          `dataset claims ${count * md.size} bytes, more than a ${source.size}-byte file can hold even compressed`,
          key,
        );
      }
      tensors.push(datasetEntry(m, errors, fileId, file, key, dtype as DType, shape, md.size, budgets.tensorElements));
    }
    const metadata: Record<string, string> = {};
    try {
      // Root attributes through h5wasm's high-level API, which decodes strings; they are optional extras.
      const attrs = new lib.Group(id, '/').attrs;
      for (const name of Object.keys(attrs)) {
        const v = attrs[name].value;
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean')
          metadata[name] = String(v);
      }
    } catch {
      /* unreadable attributes are left out */
    }
    errors();
    return { tensors, metadata, skipped, close: release };
  } catch (e) {
    release();
    throw e;
  }
}

function datasetEntry(
  m: H5Api,
  errors: () => string,
  fileId: () => bigint,
  file: string,
  key: string,
  dtype: DType,
  shape: number[],
  itemSize: number,
  maxElements: number,
): TensorEntry {
  const rank = shape.length;
  const rows = rank === 0 ? 1 : shape[0];
  const rowElems = elementCount(shape.slice(1));
  // Row slices bound the wasm heap used per read (the wasm memory never shrinks once grown).
  const rowsPerRead = Math.max(1, Math.floor(READ_SLICE_BYTES / (rowElems * itemSize)));
  const readRows = async (rowStart: number, rowEnd: number, onProgress?: (done: number, total: number) => void) => {
    const n = (rowEnd - rowStart) * rowElems;
    if (n > maxElements) throw tooLargeError(file, key, [rowEnd - rowStart, ...shape.slice(1)], n, maxElements);
    const out = allocF32(n, file, key);
    if (out.length === 0) return out;
    for (let r0 = rowStart; r0 < rowEnd; r0 += rowsPerRead) {
      const n = Math.min(rowsPerRead, rowEnd - r0);
      const elems = n * rowElems;
      const ptr = m._malloc(elems * itemSize);
      if (!ptr) throw new DataFileError(file, `out of WebAssembly memory reading ${elems * itemSize} bytes`, { key });
      try {
        const sel =
          rank === 0
            ? null
            : {
                count: [BigInt(n), ...shape.slice(1).map(BigInt)],
                offset: [BigInt(r0), ...shape.slice(1).map(() => 0n)],
                strides: shape.map(() => 1n),
              };
        let status: number;
        try {
          errors();
          status = m.get_dataset_data(
            fileId(),
            `/${key}`,
            sel?.count ?? null,
            sel?.offset ?? null,
            sel?.strides ?? null,
            BigInt(ptr),
          );
        } catch (e) {
          if (e instanceof DataFileError) throw e;
          status = -1;
        }
        if (status < 0) {
          throw new DataFileError(file, `libhdf5 could not read rows ${r0}..${r0 + n - 1}${errors()}`, {
            key,
            row: r0,
          });
        }
        // Read as little-endian memory type by h5wasm, whatever the file's byte order.
        decodeToF32(
          m.HEAPU8.subarray(ptr, ptr + elems * itemSize),
          dtype,
          true,
          elems,
          out,
          (r0 - rowStart) * rowElems,
        );
      } finally {
        m._free(ptr);
      }
      onProgress?.((r0 + n - rowStart) * rowElems * itemSize, out.length * itemSize);
    }
    return out;
  };
  return {
    key,
    dtype,
    shape,
    readF32: (onProgress) => readRows(0, rows, onProgress),
    readRowsF32: async (rowStart, rowEnd) => {
      checkRowRange(rowStart, rowEnd, shape, file, key);
      return readRows(rowStart, rowEnd);
    },
  };
}
