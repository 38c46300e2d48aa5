// EngineHolder.switchTo: the page's engine setting restarts the worker's engine, and a job waiting on the old
// generation hears that it must restart.
import { expect, test } from 'vitest';
import { EngineHolder } from '../../src/jobs/engine-holder';
import type { EngineInfo } from '../../src/core/engine/engine';

test('switching to the CPU starts a new generation whose engine says it was chosen', async () => {
  const ready: EngineInfo[] = [];
  const holder = new EngineHolder(
    'auto',
    (e) => ready.push(e.info),
    () => {},
  );
  expect((await holder.engine()).info.reason).toBe('no-webgpu');
  const gen = holder.generation;
  const lost = holder.lostSince(gen);
  const engine = await holder.switchTo('cpu');
  expect(await lost).toBe('engine switched to cpu');
  expect(holder.generation).toBe(gen + 1);
  expect(engine.info).toMatchObject({ backend: 'cpu', reason: 'user-choice' });
  expect(ready.map((i) => i.reason)).toEqual(['no-webgpu', 'user-choice']);
});
