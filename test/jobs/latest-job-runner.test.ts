import { expect, test } from 'vitest';
import { LatestJobRunner } from '../../src/jobs/latest-job-runner';

const tick = () => new Promise((r) => setTimeout(r, 1));

test('a newer job cancels the running one and superseded requests never start', async () => {
  const runner = new LatestJobRunner();
  const log: string[] = [];
  const body = (name: string) => async (isCancelled: () => boolean) => {
    log.push(`start ${name}`);
    for (let i = 0; i < 50 && !isCancelled(); i++) await tick();
    log.push(`${isCancelled() ? 'cancelled' : 'finished'} ${name}`);
  };
  const skipped: number[] = [];
  const first = runner.submit(1, body('1'));
  await tick();
  const second = runner.submit(2, body('2'), () => skipped.push(2));
  const third = runner.submit(3, body('3'));
  await Promise.all([first, second, third]);
  expect(log).toEqual(['start 1', 'cancelled 1', 'start 3', 'finished 3']);
  expect(skipped).toEqual([2]);
});

test('cancel stops only the job it names', async () => {
  const runner = new LatestJobRunner();
  let sawCancel = false;
  const run = runner.submit(5, async (isCancelled) => {
    runner.cancel(4);
    await tick();
    expect(isCancelled()).toBe(false);
    runner.cancel(5);
    sawCancel = isCancelled();
  });
  await run;
  expect(sawCancel).toBe(true);
});
