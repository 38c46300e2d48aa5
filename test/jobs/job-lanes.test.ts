import { expect, test } from 'vitest';
import { JobLanes } from '../../src/jobs/job-lanes';

const tick = () => new Promise((r) => setTimeout(r, 1));

test('a job in another lane does not cancel the running one; a newer job in the same lane does', async () => {
  const lanes = new JobLanes();
  const log: string[] = [];
  const body = (name: string, ticks: number) => async (isCancelled: () => boolean) => {
    log.push(`start ${name}`);
    for (let i = 0; i < ticks && !isCancelled(); i++) await tick();
    log.push(`${isCancelled() ? 'cancelled' : 'finished'} ${name}`);
  };
  const sae = lanes.submit('sae', 1, body('sae', 40));
  await tick();
  const probe = lanes.submit('logistic', 2, body('probe', 3));
  await tick();
  const probe2 = lanes.submit('logistic', 3, body('probe2', 3));
  await Promise.all([sae, probe, probe2]);
  expect(log).toContain('finished sae');
  expect(log).toContain('cancelled probe');
  expect(log).toContain('finished probe2');
  expect(log.indexOf('finished probe2')).toBeLessThan(log.indexOf('finished sae'));
});

test('cancel reaches the named job in whichever lane it runs', async () => {
  const lanes = new JobLanes();
  const seen: Record<string, boolean> = {};
  const body = (name: string) => async (isCancelled: () => boolean) => {
    for (let i = 0; i < 20 && !isCancelled(); i++) await tick();
    seen[name] = isCancelled();
  };
  const a = lanes.submit('a', 7, body('a'));
  const b = lanes.submit('b', 8, body('b'));
  await tick();
  lanes.cancel(8);
  await Promise.all([a, b]);
  expect(seen).toEqual({ a: false, b: true });
});
