// LEACE for a K-class concept (all 11 lande languages) and the eraser's export round trip.
import { describe, expect, test } from 'vitest';
import { covarianceStatsHost } from '../../../src/core/detect/covariance-stats';
import { crossCovariance } from '../../../src/core/erasure/cross-covariance';
import { fitLeace } from '../../../src/core/erasure/leace';
import { applyEraser } from '../../../src/core/erasure/linear-eraser';
import {
  eraserFromJson,
  eraserSafetensors,
  eraserToJson,
  eraserTensors,
} from '../../../src/core/erasure/eraser-export';
import { openSafetensors } from '../../../src/core/formats/safetensors';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { readNpyF32, referenceJson } from '../../support/fixtures';

describe('LEACE on all lande languages', async () => {
  const hidden = await readNpyF32('real/lande_hidden.npy');
  const langs = await readNpyF32('real/lande_lang_labels.npy');
  const d = hidden.shape[1];
  const codes = Int32Array.from(langs.data);
  const train = Int32Array.from(referenceJson().lande.train_idx as number[]);
  const stats = covarianceStatsHost(hidden.data, d, train);
  const sigmaXZ = crossCovariance(hidden.data, d, train, codes, 11, stats.mean);
  const eraser = fitLeace(stats, sigmaXZ, 11, { shrinkage: true });

  test('erases K − 1 = 10 directions (one-hot columns sum to one) and zeroes every class-mean difference', () => {
    expect(eraser.rank).toBe(10);
    const erased = applyEraser(eraser, hidden.data, d, train);
    const rows = Int32Array.from(train, (_, i) => i);
    const labels = Int32Array.from(train, (r) => codes[r]);
    const after = crossCovariance(erased, d, rows, labels, 11, covarianceStatsHost(erased, d, rows).mean);
    const before = Math.max(...sigmaXZ.map(Math.abs));
    expect(Math.max(...after.map(Math.abs)) / before).toBeLessThan(1e-5);
  });

  test('export round-trips through JSON and safetensors, tensors named as concept-erasure names them', async () => {
    const back = eraserFromJson(JSON.parse(JSON.stringify(eraserToJson(eraser))));
    expect(Array.from(applyEraser(back, hidden.data, d, [0, 1]))).toEqual(
      Array.from(applyEraser(eraser, hidden.data, d, [0, 1])),
    );
    expect(eraserTensors(eraser).map((t) => [t.name, t.shape])).toEqual([
      ['proj_left', [d, 10]],
      ['proj_right', [10, d]],
      ['bias', [d]],
    ]);
    const opened = await openSafetensors(bytesSource('eraser.safetensors', eraserSafetensors(eraser)));
    const left = opened.tensors.find((t) => t.key === 'proj_left')!;
    expect(left.shape).toEqual([d, 10]);
    expect(Array.from(await left.readF32())).toEqual(Array.from(Float32Array.from(eraser.left)));
    const bad = { ...eraserToJson(eraser), bias: [1, 2] };
    expect(() => eraserFromJson(bad)).toThrow(/bias has 2 values/);
  });
});
