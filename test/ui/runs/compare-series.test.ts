import { expect, test } from 'vitest';
import { alignRuns } from '../../../src/ui/runs/compare-series';
import type { RunRecord } from '../../../src/ui/runs/run-record';

const run = (xs: number[], ys: (number | null)[]) =>
  ({ progress: { fields: ['iteration', 'testLoss'], columns: [xs, ys] } }) as unknown as RunRecord;

test('runs with different iterations share one x axis with gaps where a run has no point', () => {
  expect(alignRuns([run([1, 3], [0.9, 0.5]), run([2, 3, 5], [0.8, 0.6, null])], 'iteration', 'testLoss')).toEqual([
    [1, 2, 3, 5],
    [0.9, null, 0.5, null],
    [null, 0.8, 0.6, null],
  ]);
});
