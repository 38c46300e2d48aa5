import { expect, test } from 'vitest';
import { etaMs, formatDuration } from '../../../src/ui/jobs/timing';

test('durations read in seconds, minutes or hours', () => {
  expect(formatDuration(0)).toBe('0 s');
  expect(formatDuration(42_400)).toBe('42 s');
  expect(formatDuration(185_000)).toBe('3 min 05 s');
  expect(formatDuration(3_720_000)).toBe('1 h 02 min');
  expect(formatDuration(-1)).toBe('—');
});

test('time left follows the pace since the first step seen, and is unknown without a pace', () => {
  // 10 steps in 5 s, 89 steps left of 100 (steps 0..99, the last seen is 10).
  expect(etaMs({ step: 0, at: 0 }, { step: 10, at: 5000 }, 100)).toBe(44_500);
  // A resumed run's pace counts from its own first step, not from step 0.
  expect(etaMs({ step: 50, at: 1000 }, { step: 60, at: 3000 }, 100)).toBe(7800);
  expect(etaMs(null, { step: 1, at: 1 }, 100)).toBeNull();
  expect(etaMs({ step: 3, at: 0 }, { step: 3, at: 9 }, 100)).toBeNull();
  expect(etaMs({ step: 0, at: 0 }, { step: 99, at: 9 }, 100)).toBeNull();
});
