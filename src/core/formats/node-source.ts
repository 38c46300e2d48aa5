// ByteSource over a file on disk for Node (CLI, tests, benchmarks): positioned reads through a file handle, so a
// multi-gigabyte file is read by slices exactly as the browser reads a File. The only format module importing node:fs.

import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ByteSource } from './byte-source';

export interface NodeFileSource extends ByteSource {
  close(): Promise<void>;
}

export async function nodeFileSource(path: string, name = basename(path)): Promise<NodeFileSource> {
  const handle: FileHandle = await open(path, 'r');
  const { size } = await handle.stat();
  const span = (offset: number, length: number) => {
    const start = Math.max(0, Math.min(offset, size));
    return { start, buf: new Uint8Array(Math.max(0, Math.min(length, size - start))) };
  };
  // A positioned read may return fewer bytes than asked; both readers keep reading until done or end of file.
  return {
    name,
    size,
    read: async (offset, length) => {
      const { start, buf } = span(offset, length);
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await handle.read(buf, got, buf.length - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.subarray(0, got);
    },
    readInto: async (offset, into) => {
      const start = Math.max(0, Math.min(offset, size));
      const want = Math.max(0, Math.min(into.length, size - start));
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(into, got, want - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got;
    },
    readSync: (offset, length) => {
      const { start, buf } = span(offset, length);
      let got = 0;
      while (got < buf.length) {
        const bytesRead = readSync(handle.fd, buf, got, buf.length - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.subarray(0, got);
    },
    close: () => handle.close(),
  };
}
