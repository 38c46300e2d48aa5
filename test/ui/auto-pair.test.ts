import { expect, test } from 'vitest';
import { EMPTY_SELECTION, pairBatch, type Selection } from '../../src/ui/auto-pair';
import type { FileSummary } from '../../src/protocol';

const file = (fileId: string, tensors: FileSummary['tensors'], extra: Partial<FileSummary> = {}): FileSummary => ({
  fileId,
  name: `${fileId}.npy`,
  sizeBytes: 1,
  kind: 'npy',
  tensors,
  columns: [],
  ...extra,
});
const table = (fileId: string, rows: number, names = ['text']): FileSummary => ({
  ...file(fileId, []),
  name: `${fileId}.jsonl`,
  kind: 'table',
  columns: names.map((name) => ({ name, numeric: false, rows })),
});
const classes = (fileId: string, names: string[]): FileSummary => ({
  ...file(fileId, []),
  name: `${fileId}.json`,
  kind: 'classes',
  classNames: names,
});
const all = (files: FileSummary[]) => new Set(files.map((f) => f.fileId));

// The demo as it loads: 4000 rows of activations, labels, 11 class names and a metadata table with texts.
const demo = [
  file('lande_hidden_4000', [{ key: '', dtype: 'f32', shape: [4000, 120] }]),
  file('lande_lang_4000', [{ key: '', dtype: 'i64', shape: [4000] }]),
  classes(
    'lande_lang_classes',
    Array.from({ length: 11 }, (_, i) => `l${i}`),
  ),
  table('lande_meta_4000', 4000, ['lang', 'source', 'text']),
];
const demoSelection = pairBatch(demo, all(demo), EMPTY_SELECTION, { weak: true });

test('pairs a matrix with the 1-D array of the same length, preferring label-like names', () => {
  const files = [
    file('a', [
      { key: 'X', dtype: 'f32', shape: [569, 30] },
      { key: 'idx', dtype: 'i64', shape: [569] },
      { key: 'y', dtype: 'i64', shape: [569] },
    ]),
    file('b', [{ key: '', dtype: 'i64', shape: [100] }]),
  ];
  const p = pairBatch(files, all(files), EMPTY_SELECTION);
  expect(p.activations).toEqual({ fileId: 'a', key: 'X' });
  expect(p.labels).toEqual({ fileId: 'a', key: 'y' });
});

test('never pairs arrays of different lengths', () => {
  const files = [
    file('a', [{ key: '', dtype: 'f32', shape: [10, 4] }]),
    file('b', [{ key: '', dtype: 'i64', shape: [11] }]),
  ];
  expect(pairBatch(files, all(files), EMPTY_SELECTION).labels).toBeNull();
});

test('the demo is selected while nothing else is, with its own class names and texts', () => {
  expect(demoSelection).toEqual({
    activations: { fileId: 'lande_hidden_4000', key: '' },
    labels: { fileId: 'lande_lang_4000', key: '' },
    classNamesFile: 'lande_lang_classes',
    rowMeta: { fileId: 'lande_meta_4000' },
    splitFile: null,
  });
  // Once the user's data is selected, the demo loading later does not take over.
  const mine = [file('acts', [{ key: '', dtype: 'f32', shape: [50, 8] }])];
  const selected = pairBatch(mine, all(mine), EMPTY_SELECTION);
  expect(pairBatch([...mine, ...demo], all(demo), selected, { weak: true })).toEqual(selected);
});

test('dropped files become the selection: their labels, no class names and no texts from the demo', () => {
  const dropped = [
    file('acts_640', [{ key: '', dtype: 'f32', shape: [640, 24] }]),
    file('acts_640_labels', [{ key: '', dtype: 'i64', shape: [640] }]),
  ];
  const p = pairBatch([...demo, ...dropped], all(dropped), demoSelection, { background: all(demo) });
  expect(p).toEqual({
    activations: { fileId: 'acts_640', key: '' },
    labels: { fileId: 'acts_640_labels', key: '' },
    classNamesFile: null,
    rowMeta: null,
    splitFile: null,
  });
});

test("a dropped set's own class names and metadata of the same rows come with it; other row counts never pair", () => {
  const dropped = [
    file('acts', [{ key: '', dtype: 'f32', shape: [640, 24] }]),
    file('acts_y', [{ key: '', dtype: 'i64', shape: [640] }]),
    classes(
      'acts_classes',
      Array.from({ length: 16 }, (_, i) => `c${i}`),
    ),
    table('acts_meta', 640),
    table('other_meta', 639),
  ];
  const p = pairBatch([...demo, ...dropped], all(dropped), demoSelection, { background: all(demo) });
  expect(p.classNamesFile).toBe('acts_classes');
  expect(p.rowMeta).toEqual({ fileId: 'acts_meta' });
  // Even a demo file with the same row count is not taken for another dataset.
  const same = [file('mine', [{ key: '', dtype: 'f32', shape: [4000, 8] }])];
  const q = pairBatch([...demo, ...same], all(same), demoSelection, { background: all(demo) });
  expect(q.labels).toBeNull();
  expect(q.rowMeta).toBeNull();
  expect(q.classNamesFile).toBeNull();
});

test('labels and activations dropped one after the other pair by row count and file name', () => {
  const acts = file('probe_acts', [{ key: '', dtype: 'f32', shape: [300, 16] }]);
  const s1 = pairBatch([acts], all([acts]), EMPTY_SELECTION);
  expect(s1.labels).toBeNull();
  const wrong = file('probe_labels_short', [{ key: '', dtype: 'i64', shape: [299] }]);
  expect(pairBatch([acts, wrong], all([wrong]), s1).labels).toBeNull();
  const right = file('probe_labels', [{ key: '', dtype: 'i64', shape: [300] }]);
  expect(pairBatch([acts, right], all([right]), s1).labels).toEqual({ fileId: 'probe_labels', key: '' });
  // Two label files of the right length: the one named like the activations wins.
  const a = file('other_labels', [{ key: '', dtype: 'i64', shape: [300] }]);
  const both = [acts, a, right];
  const p = pairBatch(both, all(both), EMPTY_SELECTION);
  expect(p.labels).toEqual({ fileId: 'probe_labels', key: '' });
});

test('a bare array whose file name says labels beats a label-named table column', () => {
  const files = [
    file('acts', [{ key: '', dtype: 'f32', shape: [50, 8] }]),
    { ...table('meta', 50, []), columns: [{ name: 'lang', numeric: false, rows: 50 }] },
    file('lande_lang_50', [{ key: '', dtype: 'i64', shape: [50] }]),
  ];
  expect(pairBatch(files, all(files), EMPTY_SELECTION).labels).toEqual({ fileId: 'lande_lang_50', key: '' });
});

test('a split file pairs when it fits the rows; class names alone join the selection', () => {
  const acts = file('acts', [{ key: '', dtype: 'f32', shape: [4, 2] }]);
  const s: Selection = pairBatch([acts], all([acts]), EMPTY_SELECTION);
  const fits = file('s', [], { kind: 'split', split: { train: 3, test: 1 } });
  expect(pairBatch([acts, fits], all([fits]), s).splitFile).toBe('s');
  const tooBig = file('t', [], { kind: 'split', split: { train: 300, test: 100 } });
  expect(pairBatch([acts, tooBig], all([tooBig]), s).splitFile).toBeNull();
  const names = classes('c', ['a', 'b']);
  expect(pairBatch([acts, names], all([names]), s).classNamesFile).toBe('c');
});
