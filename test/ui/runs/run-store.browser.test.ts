// The run list in Chromium's real IndexedDB: it survives closing and reopening the database.
import { expect, test } from 'vitest';
import { RunStore } from '../../../src/ui/runs/run-store';
import type { RunRecord } from '../../../src/ui/runs/run-record';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';

const record = (id: string, createdAt: number): RunRecord => ({
  id,
  name: `run ${id}`,
  createdAt,
  setup: {
    version: 1,
    method: 'logistic',
    config: DEFAULT_LOGISTIC,
    split: { kind: 'random', testFraction: 0.25, seed: 3, stratify: true },
    data: {},
  },
  engine: null,
  progress: { fields: ['iteration'], columns: [[1, 2, 3]] },
  result: {
    method: 'logistic',
    classes: ['a', 'b'],
    outputs: 1,
    cols: 2,
    weights: Float64Array.from([1.5, -2]),
    intercept: Float64Array.from([0.25]),
    mean: Float64Array.from([0, 1]),
    scale: Float64Array.from([1, 2]),
    train: { accuracy: 1, auroc: 1, logLoss: 0.1, rows: 4 },
    test: { accuracy: 0.5, auroc: null, logLoss: 0.7, rows: 2 },
    iterations: 3,
    reason: 'converged',
    gradMax: 1e-8,
    lambdaMeanLoss: 0.125,
    elapsedMs: 5,
    trainRows: 4,
    testRows: 2,
  },
});

test('runs persist across reopening, newest first, with rename and delete', async () => {
  const name = `probelab-test-${Date.now()}`;
  let store = await RunStore.open(name);
  await store.put(record('a', 1));
  await store.put(record('b', 2));
  await store.rename('a', 'renamed');
  store.close();

  store = await RunStore.open(name);
  const runs = await store.list();
  expect(runs.map((r) => r.id)).toEqual(['b', 'a']);
  expect(runs[1].name).toBe('renamed');
  const result = runs[0].result;
  expect(result.method).toBe('logistic');
  const weights = result.method === 'logistic' ? result.weights : null;
  expect(weights).toBeInstanceOf(Float64Array);
  expect(Array.from(weights as Float64Array)).toEqual([1.5, -2]);
  await store.delete('b');
  expect((await store.list()).map((r) => r.id)).toEqual(['a']);
  await expect(store.rename('zzz', 'x')).rejects.toThrow(/no longer exists/);
  store.close();
  indexedDB.deleteDatabase(name);
});
