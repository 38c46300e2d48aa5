// The probe suite's multi-tensor data choices and per-row export, from file summaries alone.
import { expect, test } from 'vitest';
import { defaultContrastPair, layerChoices } from '../../../src/ui/suite/suite-data';
import { probabilitiesCsv } from '../../../src/ui/suite/probability-csv';
import type { FileSummary } from '../../../src/protocol';
import type { EvaluatedSide } from '../../../src/protocol';
import { evaluate } from '../../../src/core/eval/report';

const file = (fileId: string, name: string, tensors: [string, number[]][]): FileSummary => ({
  fileId,
  name,
  sizeBytes: 0,
  kind: 'safetensors',
  columns: [],
  tensors: tensors.map(([key, shape]) => ({ key, dtype: 'f32', shape })),
});

test('a layer sweep uses every 2-D tensor of the activations file with the same rows, in file order', () => {
  const f = file('f1', 'layers.safetensors', [
    ['layer_0', [100, 8]],
    ['layer_1', [100, 8]],
    ['labels', [100]],
    ['other', [50, 8]],
    ['layer_2', [100, 16]],
  ]);
  const layers = layerChoices([f], { fileId: 'f1', key: 'layer_1' });
  expect(layers.map((l) => l.name)).toEqual(['layer_0', 'layer_1', 'layer_2']);
});

test('an [L, N, D] tensor sweeps its L layers', () => {
  const f = file('f1', 'layers_LND.npy', [['', [6, 100, 8]]]);
  const layers = layerChoices([f], { fileId: 'f1', key: '' });
  expect(layers.map((l) => l.ref.layer)).toEqual([0, 1, 2, 3, 4, 5]);
  expect(layers[0].shape).toEqual([100, 8]);
});

test('CCS defaults to the tensors named x_plus and x_minus', () => {
  const pair = defaultContrastPair([
    file('a', 'acts.npy', [['', [10, 4]]]),
    file('b', 'contrast_pairs.npz', [
      ['x_plus', [10, 4]],
      ['x_minus', [10, 4]],
      ['labels', [10]],
    ]),
  ]);
  expect(pair).toEqual({ xPlus: { fileId: 'b', key: 'x_plus' }, xMinus: { fileId: 'b', key: 'x_minus' } });
  expect(defaultContrastPair([])).toEqual({ xPlus: null, xMinus: null });
});

test('per-row probabilities export quotes metadata text and keeps each row beside its own metadata', () => {
  const side = (rows: number[], p1: number[]): EvaluatedSide => {
    const proba = Float64Array.from(p1.flatMap((p) => [1 - p, p]));
    const labels = Int32Array.from(p1, (p) => (p > 0.5 ? 1 : 0));
    return {
      rows: Int32Array.from(rows),
      proba,
      scores: new Float64Array(rows.length),
      report: evaluate({ proba, classes: 2, labels }),
    };
  };
  const csv = probabilitiesCsv(
    [
      { name: 'train', side: side([2], [0.75]) },
      { name: 'held-out', side: side([0], [0.25]) },
    ],
    ['no', 'yes'],
    [{ name: 'text', kind: 'string', values: ['a, "quoted"', 'b', 'c'] }],
  );
  expect(csv).toBe(
    'row,split,predicted,p_no,p_yes,text\n2,train,yes,0.25,0.75,c\n0,held-out,no,0.75,0.25,"a, ""quoted"""\n',
  );
});
