// Shared-bin histograms used by the score views: bins span all groups and every finite value is counted once.
import { expect, test } from 'vitest';
import { sharedHistogram } from '../../../src/ui/analysis/histogram';

test('shared bins span both groups and count each value once (the maximum lands in the last bin)', () => {
  const h = sharedHistogram(
    [
      [0, 1, 2],
      [4, NaN],
    ],
    4,
  );
  expect(Array.from(h.edges)).toEqual([0, 1, 2, 3, 4]);
  expect(Array.from(h.counts[0])).toEqual([1, 1, 1, 0]);
  expect(Array.from(h.counts[1])).toEqual([0, 0, 0, 1]);
});
