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
