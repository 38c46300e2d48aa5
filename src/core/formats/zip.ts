// Minimal zip reader over a ByteSource (central directory, stored and deflate members, ZIP64), for .npz and .pt.
// The central directory is read once and indexed compactly (a few numbers per entry, names decoded on demand), so
// an archive of a million entries costs tens of megabytes, not gigabytes. Entries that overlap or repeat a name are
// refused, since they let a small file stand for a huge one. Deflate members are inflated as a forward stream in
// bounded steps, stopped at their declared size, and every archive has a total inflation budget.

import { Inflate } from 'fflate';
import type { ByteSource } from './byte-source';
import { cachedSource, subSource } from './byte-source';
import { budgetHint, DEFAULT_BUDGETS, type FormatBudgets } from './budgets';
import { crc32 } from './crc32';
import { DataFileError } from './errors';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate; anything else is refused when the member is read. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the member's local file header; its data starts after that header's name and extra field. */
  localHeaderOffset: number;
}

export interface ZipArchive {
  source: ByteSource;
  budgets: FormatBudgets;
  /** Number of entries in the central directory. */
  readonly count: number;
  /** The i-th entry in directory order, decoded on demand. */
  entry(i: number): ZipEntry;
  /** The entry's name only (cheaper than entry(i)). */
  nameAt(i: number): string;
  find(name: string): ZipEntry | undefined;
  /** Bytes inflated so far from this archive's members, against its budget. */
  readonly meter: InflateMeter;
  /** Small reads (local headers, npy headers) go through a read-ahead window, so a hundred thousand members are fast. */
  readonly headerSource: ByteSource;
}

export interface InflateMeter {
  inflated: number;
  readonly limit: number;
  /** The user's budget (the limit is this plus twice the declared sizes). */
  readonly budget: number;
}

/** DEFLATE cannot expand data more than ~1032:1 (one 258-byte match per ~2 bits); a member claiming more is forged. */
const MAX_DEFLATE_RATIO = 1032;
/** Output aimed at per inflate step: fflate inflates a whole push at once, so steps are sized from the ratio seen. */
const STEP_OUTPUT_BYTES = 1 << 20;
const MIN_STEP_BYTES = 1 << 10;
const MAX_STEP_BYTES = 256 << 10;
/** Central directory bytes allowed per entry of the budget (name, extra field and comment included). */
const CD_BYTES_PER_ENTRY = 512;

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;

export function looksLikeZip(head: Uint8Array): boolean {
  // A local header (normal archive) or an end-of-central-directory record (empty archive).
  return (
    head.length >= 4 &&
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))
  );
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads a u64 as a Number, refusing values past 2^53 (no real file is that large; a forged one is). */
function u64(v: DataView, at: number, fail: (what: string) => DataFileError, what: string): number {
  const n = v.getBigUint64(at, true);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(`${what} ${n} is impossibly large`);
  return Number(n);
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** FNV-1a over UTF-16 code units: names are compared by their decoded text, as the readers look them up. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export async function openZip(source: ByteSource, budgets: FormatBudgets = DEFAULT_BUDGETS): Promise<ZipArchive> {
  const file = source.name;
  const tailLen = Math.min(source.size, 22 + 0xffff + 20);
  const tailStart = source.size - tailLen;
  const tail = await source.read(tailStart, tailLen);
  const tv = view(tail);
  // The end record sits in the last 22 + 65535 bytes (its comment may be up to 65535 bytes); search backwards,
  // preferring a record whose comment length reaches exactly to the end of the file.
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) !== SIG_EOCD) continue;
    const commentLen = tv.getUint16(i + 20, true);
    if (i + 22 + commentLen === tail.length) {
      eocd = i;
      break;
    }
    if (eocd < 0 && i + 22 + commentLen <= tail.length) eocd = i;
  }
  if (eocd < 0) {
    throw new DataFileError(file, 'not a readable zip archive: no end-of-central-directory record (truncated?)', {
      offset: source.size,
    });
  }
  const eocdAbs = tailStart + eocd;
  const failAt = (offset: number) => (problem: string) => new DataFileError(file, problem, { offset });
  const disk = tv.getUint16(eocd + 4, true);
  const cdDisk = tv.getUint16(eocd + 6, true);
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  let cdLimit = eocdAbs;
  if (eocd >= 20 && tv.getUint32(eocd - 20, true) === SIG_EOCD64_LOCATOR) {
    const at = u64(tv, eocd - 20 + 8, failAt(eocdAbs - 12), 'ZIP64 end record offset');
    if (at + 56 > eocdAbs - 20)
      throw new DataFileError(file, 'ZIP64 end record offset points past its locator', { offset: eocdAbs - 12 });
    const rec = await source.read(at, 56);
    const rv = view(rec);
    if (rec.length < 56 || rv.getUint32(0, true) !== SIG_EOCD64) {
      throw new DataFileError(file, 'ZIP64 end record missing where its locator points', { offset: at });
    }
    count = u64(rv, 32, failAt(at + 32), 'ZIP64 entry count');
    cdSize = u64(rv, 40, failAt(at + 40), 'ZIP64 central directory size');
    cdOffset = u64(rv, 48, failAt(at + 48), 'ZIP64 central directory offset');
    cdLimit = at;
  } else if (disk !== 0 || cdDisk !== 0) {
    throw new DataFileError(file, 'multi-disk (split) zip archives are not supported', { offset: eocdAbs + 4 });
  }
  if (cdOffset + cdSize > cdLimit) {
    throw new DataFileError(
      file,
      `central directory [${cdOffset}, ${cdOffset + cdSize}) runs past its end record at ${cdLimit}`,
      { offset: eocdAbs + 16 },
    );
  }
  if (count > budgets.zipEntries) {
    throw new DataFileError(
      file,
      `central directory lists ${count} entries (${budgetHint('zipEntries', budgets.zipEntries)})`,
      { offset: eocdAbs + 10 },
    );
  }
  if (cdSize > Math.max(1 << 20, count * CD_BYTES_PER_ENTRY) || count * 46 > cdSize) {
    throw new DataFileError(file, `central directory of ${cdSize} bytes for ${count} entries is implausible`, {
      offset: eocdAbs + 10,
    });
  }
  const cd = await source.read(cdOffset, cdSize);
  if (cd.length < cdSize)
    throw new DataFileError(file, 'file ends inside the central directory', { offset: cdOffset + cd.length });
  const cv = view(cd);
  // The compact index: where each record starts, and what the overlap and name checks need.
  const recordAt = new Uint32Array(count);
  const localAt = new Float64Array(count);
  const extentEnd = new Float64Array(count);
  const nameHash = new Uint32Array(count);
  let declaredTotal = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    const abs = cdOffset + p;
    if (p + 46 > cd.length || cv.getUint32(p, true) !== SIG_CENTRAL) {
      throw new DataFileError(file, `central directory entry ${i} is missing or corrupt`, { offset: abs });
    }
    const nameLen = cv.getUint16(p + 28, true);
    const end = p + 46 + nameLen + cv.getUint16(p + 30, true) + cv.getUint16(p + 32, true);
    if (end > cd.length)
      throw new DataFileError(file, `central directory entry ${i} runs past the directory`, { offset: abs });
    recordAt[i] = p;
    const e = decodeEntry(cd, cv, p, cdOffset, file);
    // The member occupies at least its local header, its name and its data; the local extra field may add more.
    localAt[i] = e.localHeaderOffset;
    extentEnd[i] = e.localHeaderOffset + 30 + nameLen + e.compressedSize;
    if (extentEnd[i] > cdOffset) {
      throw new DataFileError(
        file,
        `member '${e.name}' [${e.localHeaderOffset}, ${extentEnd[i]}) runs into the central directory at ${cdOffset}`,
        { key: e.name, offset: abs },
      );
    }
    nameHash[i] = hashString(e.name);
    declaredTotal += e.uncompressedSize;
    p = end;
  }
  refuseOverlaps(file, localAt, extentEnd, (i) => nameOf(cd, recordAt[i]));
  const byHash = refuseDuplicates(file, nameHash, (i) => nameOf(cd, recordAt[i]));
  const entryAt = (i: number) => decodeEntry(cd, cv, recordAt[i], cdOffset, file);
  return {
    source,
    budgets,
    count,
    entry: entryAt,
    nameAt: (i) => nameOf(cd, recordAt[i]),
    find: (name) => {
      const h = hashString(name);
      // byHash lists entry indices ordered by hash: binary search for the first with this hash.
      let lo = 0;
      let hi = byHash.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (nameHash[byHash[mid]] < h) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < byHash.length && nameHash[byHash[k]] === h; k++) {
        if (nameOf(cd, recordAt[byHash[k]]) === name) return entryAt(byHash[k]);
      }
      return undefined;
    },
    // Every member read whole twice (listed, then used) plus the budget: re-reading the same bytes over and over
    // is what runs out.
    meter: { inflated: 0, limit: budgets.inflateBytes + 2 * declaredTotal, budget: budgets.inflateBytes },
    headerSource: cachedSource(source, 64 << 10),
  };
}

function nameOf(cd: Uint8Array, p: number): string {
  const flags = cd[p + 8] | (cd[p + 9] << 8);
  const nameLen = cd[p + 28] | (cd[p + 29] << 8);
  // Bit 11: the name is UTF-8; otherwise it is CP437, of which latin1 is a fair reading for ASCII-ish names.
  return (flags & 0x800 ? utf8 : latin1).decode(cd.subarray(p + 46, p + 46 + nameLen));
}

function decodeEntry(cd: Uint8Array, cv: DataView, p: number, cdOffset: number, file: string): ZipEntry {
  const failAt = (offset: number) => (problem: string) => new DataFileError(file, problem, { offset });
  const flags = cv.getUint16(p + 8, true);
  const method = cv.getUint16(p + 10, true);
  const crc32 = cv.getUint32(p + 16, true);
  let compressedSize = cv.getUint32(p + 20, true);
  let uncompressedSize = cv.getUint32(p + 24, true);
  const nameLen = cv.getUint16(p + 28, true);
  const extraLen = cv.getUint16(p + 30, true);
  let localHeaderOffset = cv.getUint32(p + 42, true);
  const name = nameOf(cd, p);
  // ZIP64 extra field: 64-bit values, present only for the fields saturated at 0xFFFFFFFF, in this order.
  const extraEnd = p + 46 + nameLen + extraLen;
  for (let x = p + 46 + nameLen; x + 4 <= extraEnd;) {
    const id = cv.getUint16(x, true);
    const len = cv.getUint16(x + 2, true);
    if (x + 4 + len > extraEnd) break;
    if (id === 0x0001) {
      let q = x + 4;
      const next = (what: string) => {
        if (q + 8 > x + 4 + len)
          throw new DataFileError(file, `ZIP64 extra field too short for the ${what}`, {
            key: name,
            offset: cdOffset + q,
          });
        const n = u64(cv, q, failAt(cdOffset + q), `ZIP64 ${what}`);
        q += 8;
        return n;
      };
      if (uncompressedSize === 0xffffffff) uncompressedSize = next('uncompressed size');
      if (compressedSize === 0xffffffff) compressedSize = next('compressed size');
      if (localHeaderOffset === 0xffffffff) localHeaderOffset = next('local header offset');
    }
    x += 4 + len;
  }
  return { name, method, flags, crc32, compressedSize, uncompressedSize, localHeaderOffset };
}

/** Members must not share bytes: two directory entries over the same data would inflate it twice (or 32 times). */
function refuseOverlaps(file: string, start: Float64Array, end: Float64Array, name: (i: number) => string): void {
  const n = start.length;
  let ordered = true;
  for (let i = 1; i < n && ordered; i++) ordered = start[i] >= start[i - 1];
  const order = ordered ? null : Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => start[a] - start[b]);
  for (let k = 1; k < n; k++) {
    const prev = order ? order[k - 1] : k - 1;
    const cur = order ? order[k] : k;
    if (start[cur] < end[prev]) {
      throw new DataFileError(
        file,
        `members '${name(prev)}' and '${name(cur)}' overlap (the second starts at ${start[cur]}, inside the first)`,
        { key: name(cur), offset: start[cur] },
      );
    }
  }
}

/** Each name once; returns entry indices ordered by name hash, the lookup index of find(). */
function refuseDuplicates(file: string, hash: Uint32Array, name: (i: number) => string): Uint32Array {
  const n = hash.length;
  let order: Uint32Array;
  if (n < 2 ** 21) {
    // Hash and index packed in one double and sorted natively: fast for a million entries.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = hash[i] * 2 ** 21 + i;
    keys.sort();
    order = new Uint32Array(n);
    for (let k = 0; k < n; k++) order[k] = keys[k] % 2 ** 21;
  } else {
    order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => hash[a] - hash[b] || a - b);
  }
  for (let k = 0; k < n;) {
    let e = k + 1;
    while (e < n && hash[order[e]] === hash[order[k]]) e++;
    if (e - k > 1) {
      const seen = new Set<string>();
      for (let j = k; j < e; j++) {
        const nm = name(order[j]);
        if (seen.has(nm)) throw new DataFileError(file, `member name '${nm}' occurs twice in the archive`, { key: nm });
        seen.add(nm);
      }
    }
    k = e;
  }
  return order;
}

/** Offset of a member's data: the local header repeats the name and may carry a different extra field. */
export async function entryDataOffset(zip: ZipArchive, entry: ZipEntry): Promise<number> {
  const { source } = zip;
  const at = entry.localHeaderOffset;
  const fail = (problem: string, offset: number) =>
    new DataFileError(source.name, problem, { key: entry.name, offset });
  const head = await zip.headerSource.read(at, 30);
  if (head.length < 30 || view(head).getUint32(0, true) !== SIG_LOCAL)
    throw fail('local file header missing where the central directory points', at);
  const dataStart = at + 30 + view(head).getUint16(26, true) + view(head).getUint16(28, true);
  if (dataStart + entry.compressedSize > source.size) {
    throw fail(
      `member data [${dataStart}, ${dataStart + entry.compressedSize}) runs past the end of the file (${source.size} bytes)`,
      dataStart,
    );
  }
  return dataStart;
}

/**
 * The uncompressed bytes of a member as a ByteSource. A stored member is a window on the file (random access,
 * nothing copied). A deflate member is inflated forward on demand: reading backwards restarts the inflation,
 * so callers should read in increasing order (the npy and strided readers do).
 */
export async function entrySource(zip: ZipArchive, entry: ZipEntry): Promise<MemberSource> {
  const { source, budgets } = zip;
  const fail = (problem: string, offset?: number) =>
    new DataFileError(source.name, problem, { key: entry.name, offset });
  if (entry.flags & 1) throw fail('member is encrypted', entry.localHeaderOffset);
  // Refuse forged sizes before anything is allocated or inflated: one member holds at most one tensor.
  const maxEntryBytes = budgets.tensorElements * 8 + budgets.headerBytes;
  if (entry.uncompressedSize > maxEntryBytes) {
    throw fail(
      `member declares ${entry.uncompressedSize} uncompressed bytes, more than one tensor may hold (${budgetHint('tensorElements', budgets.tensorElements)})`,
      entry.localHeaderOffset,
    );
  }
  const dataStart = await entryDataOffset(zip, entry);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) {
      throw fail(
        `stored member declares ${entry.compressedSize} bytes in the file but ${entry.uncompressedSize} uncompressed`,
        dataStart,
      );
    }
    return Object.assign(subSource(source, dataStart, entry.uncompressedSize), { dataStart, release: () => {} });
  }
  if (entry.method !== 8)
    throw fail(
      `compression method ${entry.method} is not supported (only stored and deflate)`,
      entry.localHeaderOffset + 8,
    );
  if (entry.uncompressedSize > entry.compressedSize * MAX_DEFLATE_RATIO + 1024) {
    throw fail(
      `member declares ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed, beyond what deflate can produce (a zip bomb or a corrupt size)`,
      dataStart,
    );
  }
  // Small steps (the first of every member, and all of a very compressible one) go through the read-ahead window.
  return new InflatingSource(zip.headerSource, entry, dataStart, zip.meter);
}

/** A member's bytes; `dataStart` is set for stored members, whose offsets map straight to the file's. */
export interface MemberSource extends ByteSource {
  dataStart?: number;
  /** Drops what a deflate member holds between reads (the next read inflates again from the start). */
  release(): void;
}

/** Reads a whole (small) member, such as a pickle, refusing members larger than `maxBytes`. */
export async function readEntry(
  zip: ZipArchive,
  entry: ZipEntry,
  maxBytes: number,
  budgetName?: keyof FormatBudgets,
): Promise<Uint8Array> {
  if (entry.uncompressedSize > maxBytes) {
    throw new DataFileError(
      zip.source.name,
      `member is ${entry.uncompressedSize} bytes, more than the ${maxBytes} allowed for it${budgetName ? ` (${budgetHint(budgetName, maxBytes)})` : ''}`,
      { key: entry.name, offset: entry.localHeaderOffset },
    );
  }
  const src = await entrySource(zip, entry);
  const bytes = await src.read(0, entry.uncompressedSize);
  src.release();
  if (bytes.length < entry.uncompressedSize) {
    throw new DataFileError(
      zip.source.name,
      `member ends after ${bytes.length} of its ${entry.uncompressedSize} bytes`,
      { key: entry.name },
    );
  }
  return bytes;
}

/** Forward-only inflation of one deflate member, holding only what the current read needs. */
class InflatingSource implements MemberSource {
  readonly name: string;
  readonly size: number;
  private inflater!: Inflate;
  private consumed = 0; // compressed bytes pushed
  private produced = 0; // uncompressed bytes emitted so far
  private finished = false;
  private crc = 0;
  private chunks: Uint8Array[] = [];
  private chunksStart = 0; // uncompressed offset of chunks[0][0]
  /** Once the stream is found corrupt, every later read reports the same problem instead of a confused inflater's. */
  private failure: DataFileError | undefined;

  constructor(
    private readonly file: ByteSource,
    private readonly entry: ZipEntry,
    private readonly start: number,
    private readonly meter: InflateMeter,
  ) {
    this.name = file.name;
    this.size = entry.uncompressedSize;
    this.restart();
  }

  private fail(problem: string, offset: number): DataFileError {
    return new DataFileError(this.file.name, problem, { key: this.entry.name, offset });
  }

  release(): void {
    if (this.produced > 0 && !this.failure) this.restart();
  }

  private restart(): void {
    this.consumed = 0;
    this.produced = 0;
    this.finished = false;
    this.crc = 0;
    this.chunks = [];
    this.chunksStart = 0;
    this.inflater = new Inflate((data) => {
      this.produced += data.length;
      this.meter.inflated += data.length;
      // The bomb guard: stop as soon as the stream produces more than the member declared.
      if (this.produced > this.size) {
        throw this.fail(
          `deflate stream inflates to more than the ${this.size} bytes the zip declares (a zip bomb or a corrupt size); stopped`,
          this.start + this.consumed,
        );
      }
      if (this.meter.inflated > this.meter.limit) {
        throw this.fail(
          `the archive's members have inflated to ${this.meter.inflated} bytes in all, past its budget (twice the declared sizes plus ${budgetHint('inflateBytes', this.meter.budget)}); stopped`,
          this.start + this.consumed,
        );
      }
      this.crc = crc32(data, this.crc);
      if (data.length) this.chunks.push(data);
    });
  }

  private async step(): Promise<void> {
    const remaining = this.entry.compressedSize - this.consumed;
    // Aim each push at about STEP_OUTPUT_BYTES of output, judging the ratio by what this stream did so far (the
    // first step assumes the worst), so one push never makes more than a few MiB however compressible it is.
    const ratio = this.consumed > 0 ? Math.max(1, this.produced / this.consumed) : MAX_DEFLATE_RATIO;
    const want = Math.min(MAX_STEP_BYTES, Math.max(MIN_STEP_BYTES, Math.floor(STEP_OUTPUT_BYTES / ratio)));
    const n = Math.min(want, remaining);
    const at = this.start + this.consumed;
    const bytes = n > 0 ? await this.file.read(at, n) : new Uint8Array(0);
    if (bytes.length < n)
      throw this.fail(`file ends at byte ${at + bytes.length}, inside compressed member data`, at + bytes.length);
    this.consumed += n;
    const final = this.consumed >= this.entry.compressedSize;
    try {
      this.inflater.push(bytes, final);
    } catch (e) {
      if (e instanceof DataFileError) throw e;
      throw this.fail(`deflate data is corrupt (${(e as Error)?.message ?? e})`, at);
    }
    if (final) {
      this.finished = true;
      if (this.produced !== this.size) {
        throw this.fail(`deflate stream inflates to ${this.produced} bytes but the zip declares ${this.size}`, at);
      }
      if (this.crc >>> 0 !== this.entry.crc32 >>> 0)
        throw this.fail('CRC-32 of the inflated member does not match the zip directory', at);
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + length);
    if (!(end > offset) || offset < 0) return new Uint8Array(0);
    if (this.failure) throw this.failure;
    try {
      return await this.readForward(offset, end);
    } catch (e) {
      if (e instanceof DataFileError) this.failure = e;
      throw e;
    }
  }

  private dropBefore(offset: number): void {
    while (this.chunks.length && this.chunksStart + this.chunks[0].length <= offset) {
      this.chunksStart += this.chunks[0].length;
      this.chunks.shift();
    }
  }

  private async readForward(offset: number, end: number): Promise<Uint8Array> {
    if (offset < this.chunksStart) this.restart();
    // Drop what lies wholly before this read: reads go forward, and this is what keeps memory bounded.
    this.dropBefore(offset);
    while (this.produced < end && !this.finished) {
      await this.step();
      this.dropBefore(offset);
    }
    if (this.produced < end)
      throw this.fail(`member inflates to only ${this.produced} bytes`, this.start + this.consumed);
    const first = this.chunks[0];
    const from = offset - this.chunksStart;
    if (from + (end - offset) <= first.length) return first.subarray(from, from + end - offset);
    const out = new Uint8Array(end - offset);
    let pos = this.chunksStart;
    for (const c of this.chunks) {
      const a = Math.max(offset, pos);
      const b = Math.min(end, pos + c.length);
      if (b > a) out.set(c.subarray(a - pos, b - pos), a - offset);
      pos += c.length;
      if (pos >= end) break;
    }
    return out;
  }
}
