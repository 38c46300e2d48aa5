// numpy .npz reader: a zip of .npy members (np.savez stores them, np.savez_compressed deflates them), one tensor each.
// Members are read through the .npy reader: stored ones by slices of the file, deflated ones by forward inflation.

import type { ByteSource } from './byte-source';
import { subSource } from './byte-source';
import { budgetHint, DEFAULT_BUDGETS, type FormatBudgets } from './budgets';
import { DataFileError } from './errors';
import { DTYPE_BYTES } from './dtype';
import { npyEntry, readNpyHeader } from './npy';
import { elementCount, type TensorEntry } from './tensor-entry';
import { entrySource, openZip, type ZipArchive, type ZipEntry } from './zip';

export async function openNpz(
  source: ByteSource,
  archive?: ZipArchive,
  budgets: FormatBudgets = archive?.budgets ?? DEFAULT_BUDGETS,
): Promise<TensorEntry[]> {
  const zip = archive ?? (await openZip(source, budgets));
  const tensors: TensorEntry[] = [];
  for (let i = 0; i < zip.count; i++) {
    const name = zip.nameAt(i);
    if (!name.endsWith('.npy') || name.endsWith('/')) continue;
    if (tensors.length >= budgets.tensors) {
      throw new DataFileError(
        source.name,
        `more than ${budgets.tensors} .npy members (${budgetHint('tensors', budgets.tensors)})`,
      );
    }
    tensors.push(await openMember(zip, zip.entry(i), budgets));
  }
  if (tensors.length === 0) {
    const names = Array.from({ length: Math.min(5, zip.count) }, (_, i) => zip.nameAt(i).slice(0, 40));
    throw new DataFileError(
      source.name,
      `zip archive has no .npy members, so it is not an .npz (members: ${names.join(', ') || 'none'})`,
    );
  }
  return tensors;
}

async function openMember(zip: ZipArchive, member: ZipEntry, budgets: FormatBudgets): Promise<TensorEntry> {
  const file = zip.source.name;
  const key = member.name.slice(0, -'.npy'.length);
  // The .npy reader's errors count offsets from the member's start; tag its source with a private name so they
  // can be told apart from the zip layer's (already file-absolute) errors and re-expressed for the user.
  const innerName = `${file}\u0000${member.name}`;
  let base: number | undefined;
  const relocate = (e: unknown): unknown => {
    if (!(e instanceof DataFileError) || e.file !== innerName) return e;
    const note =
      base === undefined
        ? ` (in deflate-compressed member '${member.name.slice(0, 60)}'; the offset counts its uncompressed bytes)`
        : '';
    const offset = e.where.offset === undefined ? undefined : e.where.offset + (base ?? 0);
    return new DataFileError(file, e.problem + note, { key, offset });
  };
  try {
    const src = await entrySource(zip, member);
    base = src.dataStart;
    const inner: ByteSource = { name: innerName, size: src.size, read: (o, n) => src.read(o, n) };
    // Stored members' headers are read through the archive's read-ahead window (many members, one read).
    const headerSource =
      base === undefined ? inner : { ...subSource(zip.headerSource, base, src.size), name: innerName };
    const header = await readNpyHeader(headerSource, key, budgets);
    // A deflate member's stream is dropped after the header: the values are read later, from the start.
    src.release();
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
    const entry = npyEntry(inner, header, key, budgets);
    const relocated = async <R>(f: () => Promise<R>): Promise<R> => {
      try {
        return await f();
      } catch (e) {
        throw relocate(e);
      }
    };
    return {
      key: entry.key,
      dtype: entry.dtype,
      shape: entry.shape,
      // Row blocks of a column-major deflated member would each inflate the whole member again; read it whole.
      wholeReadsPreferred: base === undefined && header.fortranOrder && header.shape.length > 1,
      readCost: member.uncompressedSize,
      readF32: (onProgress) => relocated(() => entry.readF32(onProgress)),
      // Stored members read only the requested rows; deflated ones inflate forward to them (cheap when sequential).
      readRowsF32: (rowStart, rowEnd) => relocated(() => entry.readRowsF32!(rowStart, rowEnd)),
    };
  } catch (e) {
    throw relocate(e);
  }
}
