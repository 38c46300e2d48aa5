// Views of 3-D tensors and per-layer key grouping, checked against values written out by hand.
import { expect, test } from 'vitest';
import { repeatEach, withoutRows } from '../../../src/core/views/label-align';
import { groupLayerKeys } from '../../../src/core/views/layer-keys';
import { applyTokenView, guess3d, resolveView } from '../../../src/core/views/tensor-view';

test('2-D and 1-D tensors are matrices as they are; a 3-D tensor needs a layer or token choice', () => {
  expect(resolveView([10, 4])).toMatchObject({ ok: true, rows: 10, cols: 4, labelRows: 10, labelRepeat: 1 });
  expect(resolveView([10])).toMatchObject({ ok: true, rows: 10, cols: 1 });
  expect(resolveView([6, 2000, 32])).toMatchObject({
    ok: false,
    problem: expect.stringMatching(/choose a layer .* or a token/),
  });
  expect(resolveView([6, 2000, 32], { layer: 6 })).toMatchObject({
    ok: false,
    problem: 'invalid layer: 6 (the tensor [6,2000,32] has layers 0..5)',
  });
  expect(resolveView([10, 4], { layer: 0 })).toMatchObject({ ok: false });
  expect(resolveView([2, 3, 4, 5])).toMatchObject({ ok: false });
});

test('a layer of [L, N, D] reads one row of the first axis; flatten gives N*T rows with labels repeated T times', () => {
  expect(resolveView([6, 2000, 32], { layer: 2 })).toMatchObject({
    ok: true,
    rows: 2000,
    cols: 32,
    sourceStart: 2,
    sourceEnd: 3,
    labelRows: 2000,
  });
  expect(resolveView([100, 7, 16], { token: 'flatten' })).toMatchObject({
    ok: true,
    rows: 700,
    cols: 16,
    labelRows: 100,
    labelRepeat: 7,
  });
  expect(resolveView([100, 7, 16], { token: 'mean' })).toMatchObject({ ok: true, rows: 100, cols: 16, labelRepeat: 1 });
  expect(resolveView([100, 7, 16], { token: 7 })).toMatchObject({ ok: false });
});

test('token choices pick, average or keep the positions of each row', () => {
  // [2, 3, 2]: row i, token t, column j holds 100i + 10t + j.
  const v = Float32Array.from([0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121]);
  expect(Array.from(applyTokenView(v, 2, 3, 2, 1))).toEqual([10, 11, 110, 111]);
  expect(Array.from(applyTokenView(v, 2, 3, 2, 'last'))).toEqual([20, 21, 120, 121]);
  expect(Array.from(applyTokenView(v, 2, 3, 2, 'mean'))).toEqual([10, 11, 110, 111]);
  expect(applyTokenView(v, 2, 3, 2, 'flatten')).toBe(v);
});

test('labels repeat per token and drop the same rows as the activations', () => {
  expect(Array.from(repeatEach(Float32Array.from([1, 2]), 3))).toEqual([1, 1, 1, 2, 2, 2]);
  expect(repeatEach(['a', 'b'], 2)).toEqual(['a', 'a', 'b', 'b']);
  expect(Array.from(withoutRows(Float32Array.from([0, 1, 2, 3, 4]), [1, 3]))).toEqual([0, 2, 4]);
  expect(withoutRows(['a', 'b', 'c'], [0])).toEqual(['b', 'c']);
});

test('per-layer keys group by the number that varies, in layer order', () => {
  const { groups, rest } = groupLayerKeys([
    'labels',
    'layer_10',
    'layer_2',
    'layer_0',
    'blocks.3.hook_resid_post',
    'blocks.0.hook_resid_post',
    'blocks.3.attn.hook_z',
    'blocks.0.attn.hook_z',
    'embed_2d',
  ]);
  expect(groups).toEqual([
    {
      pattern: 'layer_{L}',
      layers: [
        { layer: 0, key: 'layer_0' },
        { layer: 2, key: 'layer_2' },
        { layer: 10, key: 'layer_10' },
      ],
    },
    {
      pattern: 'blocks.{L}.hook_resid_post',
      layers: [
        { layer: 0, key: 'blocks.0.hook_resid_post' },
        { layer: 3, key: 'blocks.3.hook_resid_post' },
      ],
    },
    {
      pattern: 'blocks.{L}.attn.hook_z',
      layers: [
        { layer: 0, key: 'blocks.0.attn.hook_z' },
        { layer: 3, key: 'blocks.3.attn.hook_z' },
      ],
    },
  ]);
  expect(rest.sort()).toEqual(['embed_2d', 'labels']);
});

test('a 3-D tensor whose second axis matches the labels is read as layers, otherwise as tokens', () => {
  expect(guess3d([6, 2000, 32], 'x', new Set([2000]))).toEqual({ layer: 5 });
  expect(guess3d([2000, 6, 32], 'x', new Set([2000]))).toEqual({ token: 'last' });
  expect(guess3d([6, 2000, 32], 'resid', new Set())).toEqual({ layer: 5 });
});

test('auto-pairing reads a lone [L, N, D] tensor as layers when the labels have N rows, and aligns flattened labels', async () => {
  const { pairBatch, alignLabels, EMPTY_SELECTION } = await import('../../../src/ui/auto-pair');
  const file = (fileId: string, shape: number[]) => ({
    fileId,
    name: fileId,
    sizeBytes: 1,
    kind: 'npy',
    tensors: [{ key: '', dtype: 'f32', shape }],
    columns: [],
  });
  const p = pairBatch([file('acts', [6, 2000, 32]), file('y', [2000])], new Set(['acts', 'y']), EMPTY_SELECTION);
  expect(p.activations).toEqual({ fileId: 'acts', key: '', layer: 5 });
  expect(p.labels).toEqual({ fileId: 'y', key: '' });
  const flat = { fileId: 'acts', key: '', token: 'flatten' as const };
  expect(alignLabels({ fileId: 'y', key: '' }, flat)).toEqual({ fileId: 'y', key: '', alignTo: flat });
  expect(alignLabels({ fileId: 'y', key: '', alignTo: flat }, { fileId: 'acts', key: '', layer: 1 })).toEqual({
    fileId: 'y',
    key: '',
  });
});
