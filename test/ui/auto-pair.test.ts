import { expect, test } from 'vitest';
import { autoPair } from '../../src/ui/auto-pair';
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
const none = { activations: null, labels: null, classNamesFile: null, splitFile: null };

test('pairs a matrix with the 1-D array of the same length, preferring label-like names', () => {
  const files = [
    file('a', [
      { key: 'X', dtype: 'f32', shape: [569, 30] },
      { key: 'idx', dtype: 'i64', shape: [569] },
      { key: 'y', dtype: 'i64', shape: [569] },
    ]),
    file('b', [{ key: '', dtype: 'i64', shape: [100] }]),
  ];
  const p = autoPair(files, none);
  expect(p.activations).toEqual({ fileId: 'a', key: 'X' });
  expect(p.labels).toEqual({ fileId: 'a', key: 'y' });
});

test('never pairs arrays of different lengths and never replaces a choice the user made', () => {
  const files = [
    file('a', [{ key: '', dtype: 'f32', shape: [10, 4] }]),
    file('b', [{ key: '', dtype: 'i64', shape: [11] }]),
  ];
  expect(autoPair(files, none).labels).toBeNull();
  const chosen = { ...none, activations: { fileId: 'b', key: '' } };
  expect(autoPair(files, chosen).activations).toEqual({ fileId: 'b', key: '' });
});

test('picks up split and class-name files', () => {
  const files = [
    file('s', [], { kind: 'split', split: { train: 3, test: 1 } }),
    file('c', [], { kind: 'classes', classNames: ['a', 'b'] }),
  ];
  const p = autoPair(files, none);
  expect(p.splitFile).toBe('s');
  expect(p.classNamesFile).toBe('c');
});

test('a bare array whose file name says labels beats a label-named table column', () => {
  const files = [
    file('acts', [{ key: '', dtype: 'f32', shape: [50, 8] }]),
    { ...file('meta', []), kind: 'table', columns: [{ name: 'lang', numeric: false, rows: 50 }] },
    file('lande_lang_50', [{ key: '', dtype: 'i64', shape: [50] }]),
  ];
  expect(autoPair(files, none).labels).toEqual({ fileId: 'lande_lang_50', key: '' });
});
