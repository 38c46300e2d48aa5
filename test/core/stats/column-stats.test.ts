import { expect, test } from 'vitest';
import { columnStats } from '../../../src/core/stats/column-stats';
import { readNpyF32, referenceJson } from '../../support/fixtures';

test('per-dimension mean/std and row norms of a hand-made matrix', () => {
  const s = columnStats(Float32Array.from([3, 4, 7, 1, 0, 7, 5, 8, 7]), 3, 3);
  expect(Array.from(s.mean)).toEqual([3, 4, 7]);
  expect(s.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
  expect(s.std[2]).toBe(0);
  expect(s.constantColumns).toBe(1);
  expect(Array.from(s.rowNorms)).toEqual(
    [Math.sqrt(74), Math.sqrt(50), Math.sqrt(138)].map((v) => expect.closeTo(v, 5)),
  );
});

test("the column sums of digits equal numpy's total", async () => {
  const { data, shape } = await readNpyF32('digits_f32.npy');
  const s = columnStats(data, shape[0], shape[1]);
  const total = s.mean.reduce((a, m) => a + m * shape[0], 0);
  expect(total).toBeCloseTo(referenceJson().digits.sum_f32, 3);
  expect(s.constantColumns).toBeGreaterThan(0); // digits has always-zero corner pixels
});
