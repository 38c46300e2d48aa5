// numpy .npz reader: a zip of .npy members (np.savez stores them, np.savez_compressed deflates them), one tensor each.
// Members are read through the .npy reader: stored ones by slices of the file, deflated ones by forward inflation.

import type { ByteSource } from './byte-source';
import { DataFileError } from './errors';
import { DTYPE_BYTES } from './dtype';
import { npyEntry, parseNpyHeader } from './npy';
import { elementCount, type TensorEntry } from './tensor-entry';
import { entryDataOffset, entrySource, openZip, type ZipArchive, type ZipEntry } from './zip';

export async function openNpz(source: ByteSource, archive?: ZipArchive): Promise<TensorEntry[]> {
  const zip = archive ?? (await openZip(source));
  const members = zip.entries.filter((e) => e.name.endsWith('.npy') && !e.name.endsWith('/'));
  if (members.length === 0) {
    throw new DataFileError(
      source.name,
      `zip archive has no .npy members, so it is not an .npz (members: ${
        zip.entries
          .slice(0, 5)
          .map((e) => e.name)
          .join(', ') || 'none'
      })`,
    );
  }
  const tensors: TensorEntry[] = [];
  for (const member of members) tensors.push(await openMember(zip, member));
  return tensors;
}

async function openMember(zip: ZipArchive, member: ZipEntry): Promise<TensorEntry> {
  const file = zip.source.name;
  const key = member.name.slice(0, -'.npy'.length);
  const src = await entrySource(zip, member);
  // The .npy reader's errors count offsets from the member's start; tag its source with a private name so they
  // can be told apart from the zip layer's (already file-absolute) errors and re-expressed for the user.
  const innerName = `${file}\u0000${member.name}`;
  const inner: ByteSource = { name: innerName, size: src.size, read: (o, n) => src.read(o, n) };
  const base = member.method === 0 ? await entryDataOffset(zip, member) : undefined;
  const relocate = (e: unknown): unknown => {
    if (!(e instanceof DataFileError) || e.file !== innerName) return e;
    const note =
      base === undefined
        ? ` (in deflate-compressed member '${member.name}'; the offset counts its uncompressed bytes)`
        : '';
    const offset = e.where.offset === undefined ? undefined : e.where.offset + (base ?? 0);
    return new DataFileError(file, e.problem + note, { key, offset });
  };
  try {
    const head = await inner.read(0, Math.min(inner.size, 65536 + 12));
    const header = parseNpyHeader(head, innerName, key);
    const count = elementCount(header.shape);
    const described = header.dataOffset + count * DTYPE_BYTES[header.dtype];
    // The member's declared size must be exactly what its header describes: this is what lets a forged size
    // (or a header claiming 10^12 elements) be refused before anything is allocated.
    if (described !== member.uncompressedSize) {
      throw new DataFileError(
        innerName,
        `the npy header describes ${described} bytes (shape [${header.shape}] of ${header.dtype}) but the zip member holds ${member.uncompressedSize}`,
        { key, offset: 8 },
      );
    }
    const entry = npyEntry(inner, header, key);
    return {
      ...entry,
      readF32: async (onProgress) => {
        try {
          return await entry.readF32(onProgress);
        } catch (e) {
          throw relocate(e);
        }
      },
      // Stored members read only the requested rows; deflated ones inflate forward to them (cheap when sequential).
      readRowsF32: async (rowStart, rowEnd) => {
        try {
          return await entry.readRowsF32!(rowStart, rowEnd);
        } catch (e) {
          throw relocate(e);
        }
      },
    };
  } catch (e) {
    throw relocate(e);
  }
}
