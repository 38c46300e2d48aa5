// SAE checkpoints in Chromium's real IndexedDB: the last checkpoint per run survives closing and reopening the
// database, bytes intact, and a delete removes only that run's.
import { expect, test } from 'vitest';
import { CheckpointStore, type CheckpointRecord } from '../../../src/ui/checkpoints/checkpoint-store';
import { DEFAULT_SAE_CONFIG } from '../../../src/core/sae/config';

const record = (runKey: string, step: number, savedAt: number): CheckpointRecord => ({
  runKey,
  tag: 'main',
  step,
  totalSteps: 100,
  savedAt,
  paused: false,
  files: { f1: 'planted_acts.npy' },
  spec: { activations: { fileId: 'f1', key: '' }, transform: 'none', config: DEFAULT_SAE_CONFIG },
  bytes: Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + step) & 0xff).buffer,
});

test('checkpoints persist across reopening: one per run, the latest kept, bytes intact', async () => {
  const name = `probelab-ckpt-test-${Date.now()}`;
  let store = await CheckpointStore.open(name);
  await store.put(record('a', 5, 1));
  await store.put(record('a', 10, 2));
  await store.put(record('b', 3, 3));
  store.close();

  store = await CheckpointStore.open(name);
  const all = await store.list();
  expect(all.map((r) => [r.runKey, r.step])).toEqual([
    ['b', 3],
    ['a', 10],
  ]);
  const a = (await store.get('a'))!;
  expect(new Uint8Array(a.bytes)).toEqual(new Uint8Array(record('a', 10, 2).bytes));
  await store.delete('b');
  expect((await store.list()).map((r) => r.runKey)).toEqual(['a']);
  store.close();
  indexedDB.deleteDatabase(name);
});
