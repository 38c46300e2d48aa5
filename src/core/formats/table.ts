// CSV/TSV and JSONL readers for labels and per-row metadata (the text or token each activation row came from):
// columns come back typed (numbers as Float64Array, booleans as 0/1, the rest as strings), errors name the row.
// Files are streamed in slices, never held whole as text. CSV takes two passes: the first learns each column's
// type (and the header), the second fills arrays of exactly the right size, so numbers never wait as strings.
// Field, record and column counts are budgeted, and so are cells, which is what bounds memory.

import type { ByteSource } from './byte-source';
import { budgetHint, DEFAULT_BUDGETS, type FormatBudgets } from './budgets';
import { DataFileError } from './errors';
import { isPlainObject, parseJson, stringifyJson, type JsonValue } from './json';

export type TableColumn =
  | { name: string; kind: 'number'; values: Float64Array }
  /** true/false columns, as 1/0 (NaN where empty). */
  | { name: string; kind: 'bool'; values: Float64Array }
  | { name: string; kind: 'string'; values: string[] };

export interface Table {
  format: 'csv' | 'jsonl';
  /** The delimiter used (CSV/TSV only). */
  delimiter?: string;
  hasHeader: boolean;
  rowCount: number;
  columns: TableColumn[];
}

export interface DelimitedOptions {
  /** Forces the delimiter instead of sniffing it. */
  delimiter?: string;
  /** Forces whether the first row is a header instead of guessing. */
  header?: boolean;
}

const DELIMITERS = [',', '\t', ';', '|'];
const NUMBER = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|nan|inf|infinity)$/i;
const BOOL = /^(?:true|false)$/i;
/** Bytes read and decoded per slice. */
const SLICE_BYTES = 1 << 20;
/** What the delimiter and the format are guessed from. */
const SNIFF_BYTES = 64 << 10;

export async function openTable(
  source: ByteSource,
  format?: 'csv' | 'tsv' | 'jsonl',
  budgets: FormatBudgets = DEFAULT_BUDGETS,
): Promise<Table> {
  if (source.size > budgets.tableBytes) {
    throw new DataFileError(
      source.name,
      `table of ${source.size} bytes is over the limit (${budgetHint('tableBytes', budgets.tableBytes)})`,
    );
  }
  const head = new TextDecoder('utf-8').decode(await source.read(0, Math.min(source.size, SNIFF_BYTES)));
  const text = head.replace(/^\uFEFF/, '');
  const fmt = format ?? (/^\s*\{/.test(text) ? 'jsonl' : /\.tsv$/i.test(source.name) ? 'tsv' : 'csv');
  if (fmt === 'jsonl') return readJsonl(byteSlices(source), source.name, budgets);
  const delimiter = fmt === 'tsv' ? '\t' : sniffDelimiter(text);
  return readDelimited(() => textSlices(source), source.name, { delimiter }, budgets);
}

/** The source's bytes in slices. */
async function* byteSlices(source: ByteSource): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < source.size; at += SLICE_BYTES) {
    const part = await source.read(at, Math.min(SLICE_BYTES, source.size - at));
    if (part.length) yield part;
    if (part.length < Math.min(SLICE_BYTES, source.size - at)) return;
  }
}

/** The source decoded as UTF-8 (a leading byte-order mark dropped), in slices. */
async function* textSlices(source: ByteSource): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const part of byteSlices(source)) {
    let s = decoder.decode(part, { stream: true });
    if (first) s = s.replace(/^\uFEFF/, '');
    first = false;
    if (s) yield s;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** A field NUMBER accepted, as a number (JavaScript's conversion, with nan and inf spelled as Python prints them). */
function parseNumber(s: string): number {
  const x = +s;
  if (x === x) return x;
  const t = s.trim().toLowerCase();
  if (/^[+-]?inf(inity)?$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  return NaN;
}

/** Picks the candidate delimiter that splits the first lines into the same (non-zero) number of fields. */
export function sniffDelimiter(text: string): string {
  const lines = text
    .slice(0, SNIFF_BYTES)
    .split(/\r\n|\n|\r/, 50)
    .filter((l) => l.trim() !== '');
  let best = ',';
  let bestScore = -1;
  for (const d of DELIMITERS) {
    // Quoted sections are removed first so commas inside quoted text do not count.
    const counts = lines.map((l) => l.replace(/"[^"]*"/g, '').split(d).length - 1);
    if (!counts.length || counts[0] === 0) continue;
    const consistent = counts.filter((c) => c === counts[0]).length / counts.length;
    const score = consistent * 1000 + Math.min(counts[0], 999);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/**
 * RFC 4180 records from text pushed in slices: quoted fields may hold delimiters, doubled quotes and newlines.
 * Each record goes to `onRecord` (its fields, the line it starts on, its index); blank lines are skipped. The
 * fields array is reused for the next record.
 */
class RecordScanner {
  private fields: string[] = [];
  /** Fields of the current record (the array is reused, so its length is not the count). */
  private count = 0;
  private field = '';
  private recordChars = 0;
  private line = 1;
  private recordLine = 1;
  private records = 0;
  /** 0: at a field's start; 1: in an unquoted field; 2: in a quoted field; 3: after a closing quote. */
  private state = 0;
  /** A quote seen at the end of a slice, inside a quoted field: a doubled quote or the closing one. */
  private quotePending = false;
  /** A carriage return seen at the end of a slice: a following newline belongs to it. */
  private crPending = false;
  private quoteLine = 1;

  constructor(
    private readonly file: string,
    private readonly delimiter: string,
    private readonly budgets: FormatBudgets,
    private readonly onRecord: OnRecord,
  ) {}

  private fail(problem: string): DataFileError {
    return new DataFileError(this.file, problem, { row: this.records });
  }

  private addToField(text: string): void {
    if (this.field.length + text.length > this.budgets.fieldBytes) {
      throw this.fail(
        `a field on line ${this.line} is longer than ${this.budgets.fieldBytes} characters (${budgetHint('fieldBytes', this.budgets.fieldBytes)})`,
      );
    }
    this.field += text;
  }

  private endField(): void {
    this.recordChars += this.field.length + 1;
    if (this.recordChars > this.budgets.rowBytes) {
      throw this.fail(
        `the record on line ${this.recordLine} is longer than ${this.budgets.rowBytes} characters (${budgetHint('rowBytes', this.budgets.rowBytes)})`,
      );
    }
    if (this.count >= this.budgets.tableColumns) {
      throw this.fail(
        `the record on line ${this.recordLine} has more than ${this.budgets.tableColumns} fields (${budgetHint('tableColumns', this.budgets.tableColumns)})`,
      );
    }
    this.fields[this.count++] = this.field;
    this.field = '';
    this.state = 0;
  }

  private endRecord(): void {
    this.endField();
    // Blank lines are skipped, not read as a record with one empty field.
    if (!(this.count === 1 && this.fields[0] === ''))
      this.onRecord(this.fields, this.count, this.recordLine, this.records++);
    this.count = 0;
    this.recordChars = 0;
  }

  push(s: string): void {
    const d = this.delimiter.charCodeAt(0);
    const n = s.length;
    let i = 0;
    if (this.crPending) {
      this.crPending = false;
      if (s.charCodeAt(0) === 10) i = 1;
    }
    if (this.quotePending) {
      this.quotePending = false;
      if (s.charCodeAt(0) === 34) {
        this.addToField('"');
        i++;
      } else this.state = 3;
    }
    while (i < n) {
      const c = s.charCodeAt(i);
      if (this.state === 2) {
        // Inside quotes: everything up to the next quote is the field's.
        const q = s.indexOf('"', i);
        const upto = q < 0 ? n : q;
        const part = s.slice(i, upto);
        for (let k = part.indexOf('\n'); k >= 0; k = part.indexOf('\n', k + 1)) this.line++;
        this.addToField(part);
        if (q < 0) return;
        i = q + 1;
        if (i >= n) {
          this.quotePending = true;
          return;
        }
        if (s.charCodeAt(i) === 34) {
          this.addToField('"');
          i++;
        } else this.state = 3;
        continue;
      }
      if (c === 10 || c === 13) {
        this.endRecord();
        if (c === 13) {
          if (i + 1 >= n) this.crPending = true;
          else if (s.charCodeAt(i + 1) === 10) i++;
        }
        i++;
        this.line++;
        this.recordLine = this.line;
        continue;
      }
      if (c === d) {
        this.endField();
        i++;
        continue;
      }
      if (this.state === 3) {
        throw this.fail(`unexpected ${JSON.stringify(s[i])} after a closing quote on line ${this.line}`);
      }
      if (this.state === 0 && c === 34) {
        this.state = 2;
        this.quoteLine = this.line;
        i++;
        continue;
      }
      // An unquoted run: up to the next delimiter or line end.
      let j = i;
      while (j < n) {
        const e = s.charCodeAt(j);
        if (e === d || e === 10 || e === 13) break;
        j++;
      }
      this.addToField(s.slice(i, j));
      this.state = 1;
      i = j;
    }
  }

  finish(): void {
    if (this.quotePending) {
      this.quotePending = false;
      this.state = 3;
    }
    if (this.state === 2) {
      throw this.fail(`quoted field opened on line ${this.quoteLine} is never closed`);
    }
    if (this.field !== '' || this.count || this.state === 3) this.endRecord();
  }
}

/** What the first pass learns about a column. */
interface ColumnStats {
  /** The first record's value, trimmed. */
  head: string;
  present: number;
  numeric: boolean;
  bool: boolean;
  /** The first record's value occurs again below it. */
  headRepeats: boolean;
}

/** Parses CSV/TSV text held in memory (the same two passes as a streamed file). */
export function parseDelimited(
  text: string,
  file: string,
  options: DelimitedOptions = {},
  budgets: FormatBudgets = DEFAULT_BUDGETS,
): Table {
  const delimiter = options.delimiter ?? sniffDelimiter(text);
  const body = text.replace(/^\uFEFF/, '');
  const scan: Scan = (onRecord) => {
    const scanner = new RecordScanner(file, delimiter, budgets, onRecord);
    scanner.push(body);
    scanner.finish();
  };
  return delimitedTable(scan, file, { ...options, delimiter }, budgets);
}

/** Parses a CSV/TSV file streamed in slices, reading it once per pass. */
async function readDelimited(
  slices: () => AsyncGenerator<string>,
  file: string,
  options: DelimitedOptions & { delimiter: string },
  budgets: FormatBudgets,
): Promise<Table> {
  const scan: ScanAsync = async (onRecord) => {
    const scanner = new RecordScanner(file, options.delimiter, budgets, onRecord);
    for await (const s of slices()) scanner.push(s);
    scanner.finish();
  };
  return delimitedTableAsync(scan, file, options, budgets);
}

/** A record: `fields[0, count)` (the array is reused for the next record), its first line, its index. */
type OnRecord = (fields: string[], count: number, line: number, index: number) => void;
type Scan = (onRecord: OnRecord) => void;
type ScanAsync = (onRecord: OnRecord) => Promise<void>;

/** Pass one: widths, cells and per-column statistics. */
function statsPass(file: string, budgets: FormatBudgets) {
  const state = { width: -1, records: 0, stats: [] as ColumnStats[], first: [] as string[] };
  const onRecord: OnRecord = (fields, count, line, index) => {
    if (index === 0) {
      state.width = count;
      state.first = fields.slice(0, count);
      state.stats = state.first.map((f) => ({
        head: f.trim(),
        present: 0,
        numeric: true,
        bool: true,
        headRepeats: false,
      }));
    } else if (count !== state.width) {
      throw new DataFileError(file, `line ${line} has ${count} fields but the first row has ${state.width}`, {
        row: index,
      });
    } else {
      for (let j = 0; j < count; j++) {
        const st = state.stats[j];
        const v = fields[j].trim();
        if (v === '') continue;
        st.present++;
        if (st.numeric && !NUMBER.test(v)) st.numeric = false;
        if (st.bool && !BOOL.test(v)) st.bool = false;
        if (!st.headRepeats && v === st.head) st.headRepeats = true;
      }
    }
    state.records = index + 1;
    if (state.records * state.width > budgets.tableCells) {
      throw new DataFileError(
        file,
        `the table has more than ${budgets.tableCells} cells (${budgetHint('tableCells', budgets.tableCells)})`,
        { row: index },
      );
    }
  };
  return { state, onRecord };
}

function guessHeader(first: string[], stats: ColumnStats[], bodyRows: number): boolean {
  if (bodyRows === 0) return first.every((f) => f.trim() !== '' && !NUMBER.test(f.trim()));
  let stringColumns = 0;
  for (const st of stats) {
    const numeric = st.present > 0 && st.numeric;
    const bool = st.present > 0 && st.bool;
    // A name above a column of numbers (or booleans) is the clearest sign of a header.
    if (numeric && st.head !== '' && !NUMBER.test(st.head)) return true;
    if (bool && st.head !== '' && !BOOL.test(st.head)) return true;
    if (numeric || bool) return false;
    stringColumns++;
    // In a column of text, a header is a value that never occurs below it.
    if (st.head === '' || st.headRepeats) return false;
  }
  return stringColumns > 0 && new Set(first).size === first.length;
}

/** Column kinds and names once pass one is done. */
function plan(state: ReturnType<typeof statsPass>['state'], options: DelimitedOptions) {
  const hasHeader = options.header ?? guessHeader(state.first, state.stats, state.records - 1);
  const kinds = state.stats.map((st) => {
    // Without a header the first record is data too.
    const headPresent = !hasHeader && st.head !== '';
    const present = st.present + (headPresent ? 1 : 0);
    const numeric = st.numeric && (!headPresent || NUMBER.test(st.head));
    const bool = st.bool && (!headPresent || BOOL.test(st.head));
    return present && numeric ? 'number' : present && bool ? 'bool' : 'string';
  });
  const names = uniqueNames(hasHeader ? state.first.map((h) => h.trim()) : state.first.map(() => ''));
  return { hasHeader, kinds, names, rowCount: state.records - (hasHeader ? 1 : 0) };
}

/** Pass two: fills typed columns of the planned kinds. */
function fillPass(p: ReturnType<typeof plan>) {
  const columns: TableColumn[] = p.names.map((name, j) =>
    p.kinds[j] === 'string'
      ? { name, kind: 'string', values: [] as string[] }
      : { name, kind: p.kinds[j] as 'number' | 'bool', values: new Float64Array(p.rowCount) },
  );
  const onRecord: OnRecord = (fields, _count, _line, index) => {
    const r = index - (p.hasHeader ? 1 : 0);
    if (r < 0 || r >= p.rowCount) return;
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      const raw = fields[j];
      if (c.kind === 'string') c.values.push(raw);
      else {
        const t = raw.trim();
        c.values[r] = t === '' ? NaN : c.kind === 'number' ? parseNumber(t) : /^true$/i.test(t) ? 1 : 0;
      }
    }
  };
  return { columns, onRecord };
}

function delimitedTable(
  scan: Scan,
  file: string,
  options: DelimitedOptions & { delimiter: string },
  budgets: FormatBudgets,
): Table {
  const one = statsPass(file, budgets);
  scan(one.onRecord);
  if (one.state.records === 0) throw new DataFileError(file, 'table is empty');
  const p = plan(one.state, options);
  const two = fillPass(p);
  scan(two.onRecord);
  return {
    format: 'csv',
    delimiter: options.delimiter,
    hasHeader: p.hasHeader,
    rowCount: p.rowCount,
    columns: two.columns,
  };
}

async function delimitedTableAsync(
  scan: ScanAsync,
  file: string,
  options: DelimitedOptions & { delimiter: string },
  budgets: FormatBudgets,
): Promise<Table> {
  const one = statsPass(file, budgets);
  await scan(one.onRecord);
  if (one.state.records === 0) throw new DataFileError(file, 'table is empty');
  const p = plan(one.state, options);
  const two = fillPass(p);
  await scan(two.onRecord);
  return {
    format: 'csv',
    delimiter: options.delimiter,
    hasHeader: p.hasHeader,
    rowCount: p.rowCount,
    columns: two.columns,
  };
}

function uniqueNames(raw: string[]): string[] {
  const seen = new Set<string>();
  return raw.map((r, j) => {
    let name = r || `column_${j}`;
    for (let k = 2; seen.has(name); k++) name = `${r || `column_${j}`}_${k}`;
    seen.add(name);
    return name;
  });
}

/** A JSONL column being filled: numbers and booleans in a growing typed array until a value of another kind. */
class ColumnBuilder {
  kind: 'none' | 'number' | 'bool' | 'string' = 'none';
  private nums = new Float64Array(16);
  private strs: string[] = [];
  /** Rows filled so far. */
  length = 0;

  constructor(readonly name: string) {}

  private growTo(n: number): void {
    if (n <= this.nums.length) return;
    const next = new Float64Array(Math.max(n, this.nums.length * 2));
    next.set(this.nums.subarray(0, this.length));
    this.nums = next;
  }

  /** Missing values up to row `n` (exclusive). */
  padTo(n: number): void {
    if (this.kind === 'string') while (this.strs.length < n) this.strs.push('');
    else {
      this.growTo(n);
      this.nums.fill(NaN, this.length, n);
    }
    this.length = n;
  }

  private toStrings(): void {
    const wasBool = this.kind === 'bool';
    const strs: string[] = [];
    for (let i = 0; i < this.length; i++) {
      const v = this.nums[i];
      strs.push(Number.isNaN(v) ? '' : wasBool ? String(v === 1) : String(v));
    }
    this.strs = strs;
    this.nums = new Float64Array(0);
    this.kind = 'string';
  }

  add(row: number, v: JsonValue): void {
    this.padTo(row);
    if (v === null) {
      this.padTo(row + 1);
      return;
    }
    const kind = typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'string';
    if (this.kind === 'none') {
      this.kind = kind;
      if (kind === 'string') this.strs = Array.from({ length: this.length }, () => '');
    } else if (this.kind !== kind && this.kind !== 'string') this.toStrings();
    if (this.kind === 'string') {
      this.strs.push(typeof v === 'string' ? v : typeof v === 'object' ? stringifyJson(v) : String(v));
    } else {
      this.growTo(row + 1);
      this.nums[row] = typeof v === 'boolean' ? Number(v) : (v as number);
    }
    this.length = row + 1;
  }

  finish(rows: number): TableColumn {
    this.padTo(rows);
    if (this.kind === 'string') return { name: this.name, kind: 'string', values: this.strs };
    if (this.kind === 'none')
      return {
        name: this.name,
        kind: 'string',
        values: this.strs.length ? this.strs : Array.from({ length: rows }, () => ''),
      };
    return { name: this.name, kind: this.kind, values: this.nums.slice(0, rows) };
  }
}

/** One JSON object per line; columns are the union of keys in first-seen order, missing values empty. */
export function parseJsonl(text: string, file: string, budgets: FormatBudgets = DEFAULT_BUDGETS): Table {
  const reader = new JsonlReader(file, budgets);
  reader.push(new TextEncoder().encode(text));
  return reader.finish();
}

async function readJsonl(slices: AsyncGenerator<Uint8Array>, file: string, budgets: FormatBudgets): Promise<Table> {
  const reader = new JsonlReader(file, budgets);
  for await (const part of slices) reader.push(part);
  return reader.finish();
}

/** JSONL from bytes pushed in slices: lines split on newline bytes (never inside a UTF-8 sequence). */
class JsonlReader {
  private columns = new Map<string, ColumnBuilder>();
  private rows = 0;
  private line = 0;
  private offset = 0;
  private carry: Uint8Array[] = [];
  private carryBytes = 0;

  constructor(
    private readonly file: string,
    private readonly budgets: FormatBudgets,
  ) {}

  push(bytes: Uint8Array): void {
    let start = 0;
    for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
      this.addPiece(bytes.subarray(start, nl));
      this.endLine();
      start = nl + 1;
    }
    if (start < bytes.length) this.addPiece(bytes.subarray(start));
  }

  private addPiece(piece: Uint8Array): void {
    this.carryBytes += piece.length;
    if (this.carryBytes > this.budgets.rowBytes) {
      throw new DataFileError(
        this.file,
        `line ${this.line + 1} is longer than ${this.budgets.rowBytes} bytes (${budgetHint('rowBytes', this.budgets.rowBytes)})`,
        { row: this.line, offset: this.offset },
      );
    }
    if (piece.length) this.carry.push(piece);
  }

  private endLine(): void {
    const bytes = this.carry.length === 1 ? this.carry[0] : concat(this.carry, this.carryBytes);
    const at = this.offset;
    this.offset += this.carryBytes + 1;
    this.carry = [];
    this.carryBytes = 0;
    const i = this.line++;
    let s = 0;
    let e = bytes.length;
    // Whitespace around the object (and a byte-order mark on the first line) is not part of it.
    if (i === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) s = 3;
    while (s < e && (bytes[s] === 0x20 || bytes[s] === 0x09 || bytes[s] === 0x0d)) s++;
    while (e > s && (bytes[e - 1] === 0x20 || bytes[e - 1] === 0x09 || bytes[e - 1] === 0x0d)) e--;
    if (s === e) return;
    let value: JsonValue;
    try {
      value = parseJson(bytes.subarray(s, e), {
        file: this.file,
        baseOffset: at + s,
        where: { row: i },
        maxDepth: this.budgets.depth,
      });
    } catch (err) {
      if (!(err instanceof DataFileError)) throw err;
      throw new DataFileError(this.file, `line ${i + 1} is not valid JSON: ${err.problem}`, err.where);
    }
    if (!isPlainObject(value)) throw new DataFileError(this.file, `line ${i + 1} is not a JSON object`, { row: i });
    const row = this.rows++;
    for (const k of Object.keys(value)) {
      let col = this.columns.get(k);
      if (!col) {
        if (this.columns.size >= this.budgets.tableColumns) {
          throw new DataFileError(
            this.file,
            `more than ${this.budgets.tableColumns} distinct keys (${budgetHint('tableColumns', this.budgets.tableColumns)})`,
            { row: i },
          );
        }
        col = new ColumnBuilder(k);
        this.columns.set(k, col);
      }
      col.add(row, value[k]);
    }
    if (this.rows * Math.max(1, this.columns.size) > this.budgets.tableCells) {
      throw new DataFileError(
        this.file,
        `the table has more than ${this.budgets.tableCells} cells (${budgetHint('tableCells', this.budgets.tableCells)})`,
        { row: i },
      );
    }
  }

  finish(): Table {
    if (this.carryBytes || this.carry.length) this.endLine();
    if (this.rows === 0) throw new DataFileError(this.file, 'table is empty');
    const columns = [...this.columns.values()].map((c) => c.finish(this.rows));
    return { format: 'jsonl', hasHeader: false, rowCount: this.rows, columns };
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
