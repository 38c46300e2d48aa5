// CSV/TSV and JSONL tables: the real metadata file, quoting, delimiter and header detection, and errors by row.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { DataFileError } from '../../../src/core/formats/errors';
import { openTable, parseDelimited, parseJsonl, sniffDelimiter } from '../../../src/core/formats/table';
import { closeFixtures, fixtureBytes, fixturePath, openFixture, rawI64 } from './fixtures';

afterAll(closeFixtures);

const csv = (text: string, opts = {}) => parseDelimited(text, 't.csv', opts);
const refusal = (f: () => unknown): DataFileError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFileError);
    return e as DataFileError;
  }
  throw new Error('expected a DataFileError');
};

describe('real/lande_meta.jsonl', () => {
  it('one row per activation row, with the text column and languages matching the label file', async () => {
    const f = await openFixture('real/lande_meta.jsonl');
    expect(f.kind).toBe('table');
    const table = f.table!;
    // The activations' row count, read from lande_hidden.npy's header text.
    const header = new TextDecoder('latin1').decode(fixtureBytes('real/lande_hidden.npy').subarray(0, 128));
    const rows = Number(/'shape': \((\d+),/.exec(header)![1]);
    expect(table.rowCount).toBe(rows);
    expect(table.columns.map((c) => [c.name, c.kind])).toEqual([
      ['row', 'number'],
      ['lang', 'string'],
      ['source', 'string'],
      ['model_prediction', 'string'],
      ['text', 'string'],
    ]);
    // The fixture is a row subset of lande's 23,263 texts: `row` keeps each text's index in the full set.
    const row = Array.from(table.columns[0].values as Float64Array);
    expect(row.slice(0, 5)).toEqual([4, 6, 14, 25, 38]);
    expect(row.every((v, i) => Number.isInteger(v) && v < 23263 && (i === 0 || v > row[i - 1]))).toBe(true);
    const classes: string[] = JSON.parse(readFileSync(fixturePath('real/lande_lang_classes.json'), 'utf8')).classes;
    const labels = rawI64('real/lande_lang_labels.npy');
    expect((table.columns[1].values as string[]).every((lang, i) => lang === classes[labels[i]])).toBe(true);
    const text = table.columns[4].values as string[];
    expect(text[0]).toMatch(/^A true artist will let his wife starve, his children go barefoot/);
    expect(text[1]).toBe(
      'Actresses will happen in the best regulated families. -- Addison Mizner and Oliver Herford, "The Entirely New Cynic\'s Calendar", 1905',
    );
  });
});

describe('CSV and TSV', () => {
  it('quoted fields hold delimiters, doubled quotes and newlines; CRLF line ends', () => {
    const t = csv('id,text\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\nlines"\r\n');
    expect(t.rowCount).toBe(3);
    expect(t.columns[1].values).toEqual(['a, b', 'say "hi"', 'two\nlines']);
    expect(Array.from(t.columns[0].values as Float64Array)).toEqual([1, 2, 3]);
  });

  it('sniffs tab, semicolon and pipe delimiters', () => {
    expect(sniffDelimiter('a\tb\tc\n1\t2\t3\n')).toBe('\t');
    expect(sniffDelimiter('a;b\n1,5;2\n3,5;4\n')).toBe(';');
    expect(sniffDelimiter('a|b\n1|2\n')).toBe('|');
    expect(sniffDelimiter('"x,y";b\n"1,2";3\n')).toBe(';');
    const t = csv('text\tlabel\nhello, world\t1\nbye\t0\n');
    expect(t.delimiter).toBe('\t');
    expect(t.columns.map((c) => c.name)).toEqual(['text', 'label']);
  });

  it('header detection: names above numbers, none above numbers, string columns, booleans', () => {
    expect(csv('label\n1\n0\n').hasHeader).toBe(true);
    const none = csv('1,0.5\n0,-2\n');
    expect(none.hasHeader).toBe(false);
    expect(none.columns.map((c) => c.name)).toEqual(['column_0', 'column_1']);
    expect(none.rowCount).toBe(2);
    expect(csv('animal\ncat\ndog\n').hasHeader).toBe(true);
    expect(csv('cat\ndog\ncat\n').hasHeader).toBe(false);
    const b = csv('flag\ntrue\nFalse\n\n');
    expect(b.hasHeader).toBe(true);
    expect(b.columns[0].kind).toBe('bool');
    expect(Array.from(b.columns[0].values as Float64Array)).toEqual([1, 0]);
    expect(csv('1,2\n3,4\n', { header: true }).columns.map((c) => c.name)).toEqual(['1', '2']);
  });

  it('empty numeric cells are NaN; nan and inf parse', () => {
    const t = csv('x\n1\n\nnan\n-inf\n2e3\n');
    // The blank line is skipped, not a row.
    expect(Array.from(t.columns[0].values as Float64Array)).toEqual([1, NaN, -Infinity, 2000]);
    const gap = csv('x,y\n1,\n2,3\n');
    expect(Array.from(gap.columns[1].values as Float64Array)).toEqual([NaN, 3]);
  });

  it('errors name the row', () => {
    const ragged = refusal(() => csv('a,b\n1,2\n3\n4,5\n'));
    expect(ragged.where.row).toBe(2);
    expect(ragged.message).toMatch(/line 3 has 1 fields but the first row has 2/);
    const open = refusal(() => csv('a,b\n1,2\n3,"unterminated\n4,5\n'));
    expect(open.where.row).toBe(2);
    expect(open.message).toMatch(/quoted field opened on line 3 is never closed/);
    const after = refusal(() => csv('a,b\n1,"x"y\n'));
    expect(after.where.row).toBe(1);
    expect(refusal(() => csv('')).message).toMatch(/empty/);
  });

  it('a .tsv is read with tabs even when commas are more common', async () => {
    const t = await openTable(bytesSource('x.tsv', new TextEncoder().encode('a,b\tc\n1,2\t3\n')));
    expect(t.columns.map((c) => c.name)).toEqual(['a,b', 'c']);
  });
});

describe('JSONL', () => {
  it('columns are the union of keys; types per column', () => {
    const t = parseJsonl(
      '{"a": 1, "b": "x"}\n{"a": 2, "c": true}\n\n{"b": null, "c": false, "d": {"k": [1]}}\n',
      't.jsonl',
    );
    expect(t.rowCount).toBe(3);
    expect(t.columns.map((c) => [c.name, c.kind])).toEqual([
      ['a', 'number'],
      ['b', 'string'],
      ['c', 'bool'],
      ['d', 'string'],
    ]);
    expect(Array.from(t.columns[0].values as Float64Array)).toEqual([1, 2, NaN]);
    expect(t.columns[1].values).toEqual(['x', '', '']);
    expect(Array.from(t.columns[2].values as Float64Array)).toEqual([NaN, 1, 0]);
    expect(t.columns[3].values).toEqual(['', '', '{"k":[1]}']);
  });

  it('errors name the row', () => {
    const bad = refusal(() => parseJsonl('{"a": 1}\n{"a": \n', 't.jsonl'));
    expect(bad.where.row).toBe(1);
    expect(bad.message).toMatch(/line 2 is not valid JSON/);
    expect(refusal(() => parseJsonl('{"a": 1}\n[1, 2]\n', 't.jsonl')).message).toMatch(/line 2 is not a JSON object/);
    expect(refusal(() => parseJsonl('\n\n', 't.jsonl')).message).toMatch(/empty/);
  });
});
