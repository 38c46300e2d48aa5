// Random access to a file's bytes, so parsers can read headers and slices without holding the whole file.
// Implemented over a Blob/File in the browser, a file descriptor in Node, and a Uint8Array in tests.
// Parsers use the async `read`; `readSync` exists only for libhdf5, which reads synchronously through
// emscripten's file system and would otherwise need the whole file copied into memory first.

export interface ByteSource {
  /** File name as the user knows it; every error names it. */
  readonly name: string;
  readonly size: number;
  /** Reads [offset, offset + length); the result may be shorter only at end of file. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** `read` without waiting, where the backing store allows it (a Node fd, a Uint8Array, a Blob in a worker). */
  readSync?(offset: number, length: number): Uint8Array;
  /**
   * Reads [offset, offset + into.length) straight into `into` (a decoder's destination), returning the bytes
   * read: fewer only at end of file. Where present, raw little-endian f32 values cost one copy, not two.
   */
  readInto?(offset: number, into: Uint8Array): Promise<number>;
}

export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  const readSync = (offset: number, length: number) =>
    bytes.subarray(offset, Math.min(bytes.byteLength, offset + length));
  const readInto = async (offset: number, into: Uint8Array) => {
    const part = readSync(offset, into.length);
    into.set(part);
    return part.length;
  };
  return { name, size: bytes.byteLength, read: async (offset, length) => readSync(offset, length), readSync, readInto };
}

/** Bytes of blobSource's reusable staging buffer: large enough that per-chunk overheads vanish, small enough to stay in cache. */
const STAGING_BYTES = 1 << 20;

/**
 * A Blob (or File) read by slices: the browser never materialises the whole file on the JS heap. Synchronous
 * reads need FileReaderSync, which only workers have (the page's main thread never opens data files).
 */
export function blobSource(blob: Blob, name = (blob as File).name ?? 'blob'): ByteSource {
  const read = async (offset: number, length: number) =>
    new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
  // readInto streams through one staging buffer that is reused from read to read: arrayBuffer() would hand out a
  // fresh buffer per slice, whose pages the kernel must fault in and zero before the copy into the destination.
  let staging: ArrayBuffer | undefined;
  const source: ByteSource = {
    name,
    size: blob.size,
    read,
    readInto: async (offset, into) => {
      const stream = blob.slice(offset, offset + into.length).stream();
      let reader: ReadableStreamBYOBReader;
      try {
        reader = stream.getReader({ mode: 'byob' });
      } catch {
        // A runtime whose Blob streams are not byte streams.
        await stream.cancel();
        const part = await read(offset, into.length);
        into.set(part);
        return part.length;
      }
      let got = 0;
      let finished = false;
      try {
        while (got < into.length) {
          const buf = staging ?? new ArrayBuffer(STAGING_BYTES);
          staging = undefined;
          const { value, done } = await reader.read(
            new Uint8Array(buf, 0, Math.min(buf.byteLength, into.length - got)),
          );
          if (value) staging = value.buffer as ArrayBuffer;
          if (done || !value) {
            finished = true;
            break;
          }
          into.set(value, got);
          got += value.length;
        }
      } finally {
        // A slice read to its length may not have signalled its end yet: cancel rather than leave it open.
        if (!finished) await reader.cancel().catch(() => undefined);
        reader.releaseLock();
      }
      return got;
    },
  };
  if (typeof FileReaderSync !== 'undefined') {
    const reader = new FileReaderSync();
    source.readSync = (offset, length) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(offset, offset + length)));
  }
  return source;
}

/**
 * A window [start, start + length) of another source, addressed from 0: lets a member of a container (a stored
 * .npy inside an .npz, a storage inside a .pt) reuse the single-file readers without copying its bytes.
 */
export function subSource(source: ByteSource, start: number, length: number, name = source.name): ByteSource {
  const size = Math.max(0, Math.min(length, source.size - start));
  const clamp = (offset: number, len: number) => {
    const from = Math.max(0, Math.min(offset, size));
    return [from, Math.max(from, Math.min(size, offset + len))];
  };
  const sub: ByteSource = {
    name,
    size,
    read: async (offset, len) => {
      const [from, to] = clamp(offset, len);
      return to > from ? source.read(start + from, to - from) : new Uint8Array(0);
    },
  };
  const parentInto = source.readInto?.bind(source);
  if (parentInto) {
    sub.readInto = async (offset, into) => {
      const [from, to] = clamp(offset, into.length);
      return to > from ? parentInto(start + from, into.subarray(0, to - from)) : 0;
    };
  }
  const parentSync = source.readSync?.bind(source);
  if (parentSync) {
    sub.readSync = (offset, len) => {
      const [from, to] = clamp(offset, len);
      return to > from ? parentSync(start + from, to - from) : new Uint8Array(0);
    };
  }
  return sub;
}

/** Reads a whole source (in slices, so a Blob is never asked for one giant ArrayBuffer at once). */
export async function readAll(source: ByteSource, sliceBytes = 16 << 20): Promise<Uint8Array> {
  const out = new Uint8Array(source.size);
  for (let at = 0; at < source.size; at += sliceBytes) {
    const part = await source.read(at, Math.min(sliceBytes, source.size - at));
    out.set(part, at);
    if (part.length < Math.min(sliceBytes, source.size - at)) return out.subarray(0, at + part.length);
  }
  return out;
}

/**
 * Serves small reads from a read-ahead window of `windowBytes`, so walking many small headers laid out in order
 * (a hundred thousand npz members) costs one read per window instead of several per header. Large reads pass
 * straight through.
 */
export function cachedSource(source: ByteSource, windowBytes: number): ByteSource {
  let winStart = 0;
  let win = new Uint8Array(0);
  const small = windowBytes >> 2;
  const cached: ByteSource = {
    name: source.name,
    size: source.size,
    read: async (offset, length) => {
      if (length > small) return source.read(offset, length);
      const end = Math.min(source.size, offset + length);
      if (!(offset >= winStart && end <= winStart + win.length)) {
        winStart = offset;
        // A copy: some sources hand out views of a buffer they reuse on the next read.
        win = (await source.read(offset, windowBytes)).slice();
      }
      return win.subarray(offset - winStart, Math.max(offset - winStart, end - winStart));
    },
  };
  if (source.readSync) cached.readSync = source.readSync.bind(source);
  if (source.readInto) cached.readInto = source.readInto.bind(source);
  return cached;
}
