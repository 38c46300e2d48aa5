// The transfer-matrix walker: one fit per set, every cell evaluated, the rows each cell is scored on, its summary.
import { describe, expect, test } from 'vitest';
import { generalizationGap, transferMatrix, transferRows, transferSummary } from '../../../src/core/eval/transfer';

describe('transfer matrix', () => {
  test('fits once per set and evaluates every pair', async () => {
    let fits = 0;
    const m = await transferMatrix(
      ['a', 'b'],
      async (i) => {
        fits++;
        return i * 10;
      },
      async (model, i, j) => model + j,
    );
    expect(fits).toBe(2);
    expect(m!.values).toEqual([
      [0, 1],
      [10, 11],
    ]);
  });
  test("the diagonal is scored on the set's own held-out rows, other cells on every row", () => {
    const split = { train: Int32Array.of(0, 2), test: Int32Array.of(1, 3) };
    expect(Array.from(transferRows(1, 1, split, 4))).toEqual([1, 3]);
    expect(Array.from(transferRows(0, 1, split, 4))).toEqual([0, 1, 2, 3]);
  });
  test('the summary averages the diagonal and the other cells apart, leaving undefined cells out', () => {
    const s = transferSummary({
      names: ['a', 'b', 'c'],
      values: [
        [0.9, 0.6, null],
        [0.5, 0.8, 0.7],
        [null, null, null],
      ],
    });
    expect(s.own).toBeCloseTo(0.85, 12);
    expect(s.other).toBeCloseTo(0.6, 12);
    expect(transferSummary({ names: [], values: [] })).toEqual({ own: null, other: null });
  });
  test('the generalization gap is undefined when either side is', () => {
    expect(generalizationGap(0.9, 0.7)).toBeCloseTo(0.2, 12);
    expect(generalizationGap(null, 0.7)).toBeNull();
  });
});
