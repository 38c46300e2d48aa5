import { expect, test } from 'vitest';
import { labelsProblem, rowMetaStatus, rowTextRef, splitProblem } from '../../src/ui/data-checks';
import type { FileSummary } from '../../src/protocol';

const npy = (fileId: string, shape: number[]): FileSummary => ({
  fileId,
  name: `${fileId}.npy`,
  sizeBytes: 1,
  kind: 'npy',
  tensors: [{ key: '', dtype: 'f32', shape }],
  columns: [],
});
const table = (fileId: string, rows: number): FileSummary => ({
  fileId,
  name: `${fileId}.jsonl`,
  sizeBytes: 1,
  kind: 'table',
  tensors: [],
  columns: [
    { name: 'row', numeric: true, rows },
    { name: 'text', numeric: false, rows },
  ],
});
const files = [
  npy('acts', [640, 24]),
  npy('y640', [640]),
  npy('y4000', [4000]),
  table('meta640', 640),
  table('meta4000', 4000),
];
const acts = { fileId: 'acts', key: '' };

test('labels of another row count are named with both counts; matching ones pass', () => {
  expect(labelsProblem(files, acts, { fileId: 'y640', key: '' })).toBeNull();
  expect(labelsProblem(files, acts, { fileId: 'y4000', key: '' })).toBe(
    'The labels (y4000.npy) have 4000 rows but the activations have 640: they cannot be paired. Choose labels with 640 rows.',
  );
  expect(labelsProblem(files, null, { fileId: 'y4000', key: '' })).toBeNull();
});

test("row metadata attaches only with the activations' row count or an id column", () => {
  const same = rowMetaStatus(files, { fileId: 'meta640' }, 640);
  expect(same).toMatchObject({ rows: 640, attached: true, message: null });
  expect(rowTextRef(same, { fileId: 'meta640' }, acts)).toEqual({ fileId: 'meta640', key: 'text' });
  const other = rowMetaStatus(files, { fileId: 'meta4000' }, 640);
  expect(other).toMatchObject({ rows: 4000, attached: false });
  expect(other!.message).toMatch(
    /meta4000\.jsonl has 4000 rows but the activations have 640: its texts are not attached/,
  );
  expect(rowTextRef(other, { fileId: 'meta4000' }, acts)).toBeNull();
  const byId = { fileId: 'meta4000', idColumn: 'row' };
  expect(rowTextRef(rowMetaStatus(files, byId, 640), byId, acts)).toEqual({
    fileId: 'meta4000',
    key: 'text',
    rowIds: 'row',
    alignTo: acts,
  });
});

test('a split file or group column of another dataset does not fit, and says so', () => {
  const split = { ...npy('s', []), kind: 'split', tensors: [], split: { train: 3000, test: 1000 } };
  expect(splitProblem([...files, split], { kind: 'file', fileId: 's' }, 640)).toMatch(
    /lists 4000 rows but the activations have 640/,
  );
  expect(splitProblem([...files, split], { kind: 'file', fileId: 's' }, 4000)).toBeNull();
  const group = { kind: 'group' as const, column: { fileId: 'meta4000', key: 'row' }, testFraction: 0.25, seed: 0 };
  expect(splitProblem(files, group, 640)).toMatch(/group column has 4000 rows/);
  expect(splitProblem(files, { kind: 'random', testFraction: 0.25, seed: 0, stratify: true }, 640)).toBeNull();
});
