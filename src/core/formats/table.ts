// CSV/TSV and JSONL readers for labels and per-row metadata (the text or token each activation row came from):
// columns come back typed (numbers as Float64Array, booleans as 0/1, the rest as strings), errors name the row.

import type { ByteSource } from './byte-source';
import { readAll } from './byte-source';
import { DataFileError } from './errors';

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

/** JS strings top out near 2^29 characters; refuse earlier with a clear message instead of a RangeError. */
export const MAX_TABLE_BYTES = 256 << 20;
const MAX_COLUMNS = 10_000;
const DELIMITERS = [',', '\t', ';', '|'];
const NUMBER = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|nan|inf|infinity)$/i;
const BOOL = /^(?:true|false)$/i;

export async function openTable(source: ByteSource, format?: 'csv' | 'tsv' | 'jsonl'): Promise<Table> {
  if (source.size > MAX_TABLE_BYTES) {
    throw new DataFileError(
      source.name,
      `table files are read whole and this one (${source.size} bytes) is over the ${MAX_TABLE_BYTES}-byte limit`,
    );
  }
  const text = new TextDecoder('utf-8').decode(await readAll(source)).replace(/^\uFEFF/, '');
  const fmt = format ?? (/^\s*\{/.test(text) ? 'jsonl' : /\.tsv$/i.test(source.name) ? 'tsv' : 'csv');
  if (fmt === 'jsonl') return parseJsonl(text, source.name);
  return parseDelimited(text, source.name, fmt === 'tsv' ? { delimiter: '\t' } : {});
}

function parseNumber(s: string): number {
  const t = s.trim().toLowerCase();
  if (t === 'nan' || t === '+nan' || t === '-nan') return NaN;
  if (/^[+-]?inf(inity)?$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/** Picks the candidate delimiter that splits the first lines into the same (non-zero) number of fields. */
export function sniffDelimiter(text: string): string {
  const lines = text.split(/\r\n|\n|\r/, 50).filter((l) => l.trim() !== '');
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

/** RFC 4180 records: quoted fields may hold delimiters, doubled quotes and newlines. */
function splitRecords(text: string, delimiter: string, file: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  let atFieldStart = true;
  const endRecord = () => {
    fields.push(field);
    // Blank lines are skipped, not read as a record with one empty field.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    atFieldStart = true;
  };
  while (i < n) {
    const c = text[i];
    if (atFieldStart && c === '"') {
      const quoteLine = line;
      i++;
      let closed = false;
      while (i < n) {
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        if (q === '\n' || (q === '\r' && text[i + 1] !== '\n')) line++;
        field += q;
        i++;
      }
      if (!closed) {
        throw new DataFileError(file, `quoted field opened on line ${quoteLine} is never closed`, {
          row: records.length,
        });
      }
      if (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
        throw new DataFileError(file, `unexpected ${JSON.stringify(text[i])} after a closing quote on line ${line}`, {
          row: records.length,
        });
      }
      atFieldStart = false;
      continue;
    }
    if (c === delimiter) {
      fields.push(field);
      field = '';
      atFieldStart = true;
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    field += c;
    atFieldStart = false;
    i++;
  }
  if (field !== '' || fields.length) endRecord();
  return records;
}

function guessHeader(rows: string[][]): boolean {
  const first = rows[0];
  const body = rows.slice(1);
  if (body.length === 0) return first.every((f) => f.trim() !== '' && !NUMBER.test(f.trim()));
  let stringColumns = 0;
  for (let j = 0; j < first.length; j++) {
    const values = body.map((r) => r[j].trim()).filter((v) => v !== '');
    const head = first[j].trim();
    const numeric = values.length > 0 && values.every((v) => NUMBER.test(v));
    const bool = values.length > 0 && values.every((v) => BOOL.test(v));
    // A name above a column of numbers (or booleans) is the clearest sign of a header.
    if (numeric && head !== '' && !NUMBER.test(head)) return true;
    if (bool && head !== '' && !BOOL.test(head)) return true;
    if (numeric || bool) return false;
    stringColumns++;
    // In a column of text, a header is a value that never occurs below it.
    if (head === '' || values.includes(head)) return false;
  }
  return stringColumns > 0 && new Set(first).size === first.length;
}

export function parseDelimited(text: string, file: string, options: DelimitedOptions = {}): Table {
  const delimiter = options.delimiter ?? sniffDelimiter(text);
  const records = splitRecords(text, delimiter, file);
  if (records.length === 0) throw new DataFileError(file, 'table is empty');
  const width = records[0].fields.length;
  if (width > MAX_COLUMNS)
    throw new DataFileError(file, `${width} columns is more than the ${MAX_COLUMNS} accepted`, { row: 0 });
  records.forEach((r, i) => {
    if (r.fields.length !== width) {
      throw new DataFileError(file, `line ${r.line} has ${r.fields.length} fields but the first row has ${width}`, {
        row: i,
      });
    }
  });
  const rows = records.map((r) => r.fields);
  const hasHeader = options.header ?? guessHeader(rows);
  const body = hasHeader ? rows.slice(1) : rows;
  const names = uniqueNames(hasHeader ? rows[0].map((h) => h.trim()) : rows[0].map(() => ''));
  const columns = names.map((name, j) =>
    typedColumn(
      name,
      body.map((r) => r[j]),
    ),
  );
  return { format: 'csv', delimiter, hasHeader, rowCount: body.length, columns };
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

function typedColumn(name: string, raw: string[]): TableColumn {
  const present = raw.filter((v) => v.trim() !== '');
  if (present.length && present.every((v) => NUMBER.test(v.trim()))) {
    return { name, kind: 'number', values: Float64Array.from(raw, (v) => (v.trim() === '' ? NaN : parseNumber(v))) };
  }
  if (present.length && present.every((v) => BOOL.test(v.trim()))) {
    return {
      name,
      kind: 'bool',
      values: Float64Array.from(raw, (v) => (v.trim() === '' ? NaN : /^true$/i.test(v.trim()) ? 1 : 0)),
    };
  }
  return { name, kind: 'string', values: raw };
}

/** One JSON object per line; columns are the union of keys in first-seen order, missing values empty. */
export function parseJsonl(text: string, file: string): Table {
  const lines = text.split('\n');
  const keys = new Map<string, number>();
  const rows: { line: number; values: unknown[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const src = lines[i].trim();
    if (src === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(src);
    } catch (e) {
      throw new DataFileError(file, `line ${i + 1} is not valid JSON: ${(e as Error).message}`, { row: i });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DataFileError(file, `line ${i + 1} is not a JSON object`, { row: i });
    }
    const values: unknown[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      let j = keys.get(k);
      if (j === undefined) {
        if (keys.size >= MAX_COLUMNS)
          throw new DataFileError(file, `more than ${MAX_COLUMNS} distinct keys`, { row: i });
        j = keys.size;
        keys.set(k, j);
      }
      values[j] = v;
    }
    rows.push({ line: i, values });
  }
  if (rows.length === 0) throw new DataFileError(file, 'table is empty');
  const columns: TableColumn[] = [...keys.keys()].map((name, j) => {
    const vals = rows.map((r) => r.values[j]);
    const present = vals.filter((v) => v !== undefined && v !== null);
    if (present.length && present.every((v) => typeof v === 'number')) {
      return { name, kind: 'number', values: Float64Array.from(vals, (v) => (typeof v === 'number' ? v : NaN)) };
    }
    if (present.length && present.every((v) => typeof v === 'boolean')) {
      return { name, kind: 'bool', values: Float64Array.from(vals, (v) => (typeof v === 'boolean' ? Number(v) : NaN)) };
    }
    return {
      name,
      kind: 'string',
      values: vals.map((v) =>
        v === undefined || v === null
          ? ''
          : typeof v === 'string'
            ? v
            : typeof v === 'object'
              ? JSON.stringify(v)
              : String(v),
      ),
    };
  });
  return { format: 'jsonl', hasHeader: false, rowCount: rows.length, columns };
}
