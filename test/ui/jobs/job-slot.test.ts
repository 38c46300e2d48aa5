import { expect, test } from 'vitest';
import { JobSlot } from '../../../src/ui/jobs/job-slot.svelte';
import type { JobStartInfo } from '../../../src/protocol';

const info = (fields: string[]): JobStartInfo => ({
  method: 'sae-train',
  fields,
  trainRows: 90,
  testRows: 10,
  classes: [],
});
const pt = (...v: number[]) => Float64Array.from(v);

test('a job goes queued → running → done, its curves kept after it ends', () => {
  const slot = new JobSlot('sae');
  expect(slot.status).toBe('idle');
  slot.sent(7);
  expect([slot.status, slot.jobId, slot.busy]).toEqual(['queued', 7, true]);
  slot.started(info(['step', 'fvu']));
  slot.point(pt(0, 0.9));
  slot.point(pt(1, 0.8));
  slot.done();
  expect(slot.status).toBe('done');
  expect(slot.progress.columns).toEqual([
    [0, 1],
    [0.9, 0.8],
  ]);
  expect(slot.lastStep?.step).toBe(1);
  expect(slot.endedAt).not.toBeNull();
  // A rerun: the last curves stay on screen until the new run's first point replaces them.
  slot.sent(8);
  slot.started(info(['step', 'fvu']));
  expect(slot.progress.columns[0]).toEqual([0, 1]);
  expect(slot.points).toBe(0);
  slot.point(pt(0, 0.7));
  expect(slot.progress.columns).toEqual([[0], [0.7]]);
  expect(slot.points).toBe(1);
});

test('a pause ends as paused, a stop as stopped, an error with its message', () => {
  const a = new JobSlot('sae');
  a.sent(1);
  a.askPause();
  a.cancelled();
  expect(a.status).toBe('paused');
  a.sent(2);
  a.cancelled();
  expect(a.status).toBe('cancelled');
  a.sent(3);
  a.failed('labels have 5 rows');
  expect([a.status, a.error]).toEqual(['error', 'labels have 5 rows']);
  a.sent(4);
  expect(a.error).toBeNull();
});

test("a resumed run's curves carry on from the stored ones instead of starting empty", () => {
  const slot = new JobSlot('sae');
  const carry = {
    fields: ['step', 'fvu'],
    columns: [
      [0, 1, 2, 3],
      [0.9, 0.8, 0.7, 0.6],
    ] as (number | null)[][],
  };
  slot.sent(9, carry);
  slot.started(info(['step', 'fvu']));
  // Resumed from the checkpoint at step 3: its first point replaces the stored one for step 3.
  slot.point(pt(3, 0.55));
  slot.point(pt(4, 0.5));
  expect(slot.progress.columns[0]).toEqual([0, 1, 2, 3, 4]);
  expect(slot.progress.columns[1]).toEqual([0.9, 0.8, 0.7, 0.55, 0.5]);
  // The ETA's pace counts from this job's first step, not the stored ones.
  expect(slot.firstStep?.step).toBe(3);
});
