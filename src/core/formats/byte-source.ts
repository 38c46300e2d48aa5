// Random access to a file's bytes, so parsers can read headers and slices without holding the whole file.
// Implemented over a Blob/File in the browser, a file descriptor in Node, and a Uint8Array in tests.

export interface ByteSource {
  /** File name as the user knows it; every error names it. */
  readonly name: string;
  readonly size: number;
  /** Reads [offset, offset + length); the result may be shorter only at end of file. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.byteLength, offset + length)),
  };
}

/** A Blob (or File) read by slices: the browser never materialises the whole file on the JS heap. */
export function blobSource(blob: Blob, name = (blob as File).name ?? 'blob'): ByteSource {
  return {
    name,
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}

/**
 * A window [start, start + length) of another source, addressed from 0: lets a member of a container (a stored
 * .npy inside an .npz, a storage inside a .pt) reuse the single-file readers without copying its bytes.
 */
export function subSource(source: ByteSource, start: number, length: number, name = source.name): ByteSource {
  const size = Math.max(0, Math.min(length, source.size - start));
  return {
    name,
    size,
    read: async (offset, len) => {
      const from = Math.max(0, Math.min(offset, size));
      const to = Math.max(from, Math.min(size, offset + len));
      return to > from ? source.read(start + from, to - from) : new Uint8Array(0);
    },
  };
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
