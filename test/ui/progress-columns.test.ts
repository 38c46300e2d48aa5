import { expect, test } from 'vitest';
import { appendProgress, emptyProgress, lastValue } from '../../src/ui/progress-columns';

const pt = (...v: number[]) => Float64Array.from(v);

test('points append as columns; undefined metrics (NaN) become gaps', () => {
  const p = emptyProgress(['step', 'loss']);
  appendProgress(p, pt(0, 1));
  appendProgress(p, pt(1, NaN));
  expect(p.columns).toEqual([
    [0, 1],
    [1, null],
  ]);
  expect(lastValue(p, 'loss')).toBe(1);
});

test('a run that goes back to an earlier step carries on from there: no gap and no doubled stretch', () => {
  const p = emptyProgress(['step', 'loss']);
  for (let s = 0; s < 10; s++) appendProgress(p, pt(s, 10 - s));
  // Resumed from a checkpoint at step 6: the points from step 6 on are replaced by the resumed run's.
  appendProgress(p, pt(6, 3.5));
  expect(p.columns[0]).toEqual([0, 1, 2, 3, 4, 5, 6]);
  expect(p.columns[1].at(-1)).toBe(3.5);
  // A restart from scratch (step 0) starts the curve again.
  appendProgress(p, pt(0, 9));
  expect(p.columns).toEqual([[0], [9]]);
});
