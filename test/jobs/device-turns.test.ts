import { expect, test } from 'vitest';
import { DeviceLease, DeviceTurn, handingOverEngine } from '../../src/jobs/device-turns';
import type { Engine } from '../../src/core/engine/engine';
import type { SaeTrainer } from '../../src/core/engine/sae-trainer';

const tick = () => new Promise((r) => setTimeout(r, 1));

/** Runs `steps` steps, each inside the device (marked in `inside`), handing over between them. */
async function longJob(lease: DeviceLease, log: string[], inside: { n: number; max: number }, steps: number) {
  const turn = new DeviceTurn(lease);
  await turn.take();
  try {
    for (let s = 0; s < steps; s++) {
      await turn.handOver();
      inside.n++;
      inside.max = Math.max(inside.max, inside.n);
      log.push(`long ${s}`);
      await tick();
      inside.n--;
    }
  } finally {
    turn.end();
  }
}

async function shortJob(lease: DeviceLease, log: string[], inside: { n: number; max: number }, name: string) {
  const turn = new DeviceTurn(lease);
  await turn.take();
  try {
    inside.n++;
    inside.max = Math.max(inside.max, inside.n);
    log.push(`${name} start`);
    await tick();
    await tick();
    log.push(`${name} end`);
    inside.n--;
  } finally {
    turn.end();
  }
}

test('a short job runs between the steps of a long one, which then carries on; never two at once', async () => {
  const lease = new DeviceLease();
  const log: string[] = [];
  const inside = { n: 0, max: 0 };
  const long = longJob(lease, log, inside, 8);
  await tick();
  await tick();
  const short = shortJob(lease, log, inside, 'probe');
  await Promise.all([long, short]);
  expect(inside.max).toBe(1);
  const start = log.indexOf('probe start');
  expect(log[start + 1]).toBe('probe end');
  // It ran in the middle, not after the long job: steps came before and after it.
  expect(start).toBeGreaterThan(0);
  expect(start).toBeLessThan(log.indexOf('long 7'));
  expect(log.filter((l) => l.startsWith('long'))).toHaveLength(8);
});

test('jobs waiting for the device run in arrival order, and an ended turn frees the device', async () => {
  const lease = new DeviceLease();
  const log: string[] = [];
  const inside = { n: 0, max: 0 };
  await Promise.all(['a', 'b', 'c'].map((n) => shortJob(lease, log, inside, n)));
  expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  expect(lease.contended).toBe(false);
  // A turn that ends while still waiting passes the device on instead of keeping it.
  const holder = new DeviceTurn(lease);
  await holder.take();
  const waiter = new DeviceTurn(lease);
  const waiting = waiter.take();
  waiter.end();
  holder.end();
  await waiting;
  const next = new DeviceTurn(lease);
  await Promise.race([next.take(), tick().then(() => Promise.reject(new Error('device not freed')))]);
  next.end();
});

test('an SAE trainer from the wrapped engine hands the device over before each step and keeps its other members', async () => {
  const lease = new DeviceLease();
  const log: string[] = [];
  const trainer = {
    implementation: 'test trainer',
    async step() {
      log.push('step');
      return { finite: true } as unknown as Awaited<ReturnType<SaeTrainer['step']>>;
    },
  } as unknown as SaeTrainer;
  const engine = { info: { backend: 'cpu' }, saeTrainer: () => trainer } as unknown as Engine;
  const turn = new DeviceTurn(lease);
  await turn.take();
  const wrapped = handingOverEngine(engine, turn).saeTrainer(
    { architecture: 'topk', dIn: 2, dSae: 4 },
    {
      params: undefined as never,
    },
  );
  expect(wrapped.implementation).toBe('test trainer');
  const other = new DeviceTurn(lease);
  const otherRan = other.take().then(() => {
    log.push('other job');
    other.end();
  });
  await wrapped.step(new Float32Array(2), 1, undefined as never);
  await otherRan;
  expect(log).toEqual(['other job', 'step']);
  turn.end();
});
