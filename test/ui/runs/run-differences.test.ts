import { expect, test } from 'vitest';
import { runDifferences } from '../../../src/ui/runs/run-differences';
import type { RunRecord } from '../../../src/ui/runs/run-record';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';

const run = (id: string, name: string, maxIter: number, classNames?: string): RunRecord =>
  ({
    id,
    name,
    createdAt: 0,
    engine: null,
    progress: { fields: [], columns: [] },
    result: { method: 'logistic' } as RunRecord['result'],
    setup: {
      version: 1,
      method: 'logistic',
      config: { ...DEFAULT_LOGISTIC, maxIter },
      split: { kind: 'random', testFraction: 0.25, seed: 0, stratify: true },
      data: { activations: { fileName: 'acts.npy', key: '' }, classNames },
    },
  }) as RunRecord;

test('runs of the same name are told apart by the setup values that differ among them', () => {
  const d = runDifferences([
    run('a', 'logistic C=1 · acts.npy', 40),
    run('b', 'logistic C=1 · acts.npy', 40, 'acts_classes.json'),
    run('c', 'logistic C=1 · acts.npy', 100, 'acts_classes.json'),
    run('d', 'other', 40),
  ]);
  expect(d.get('a')).toBe('config.maxIter 40, data.classNames none');
  expect(d.get('b')).toBe('config.maxIter 40, data.classNames acts_classes.json');
  expect(d.get('c')).toBe('config.maxIter 100, data.classNames acts_classes.json');
  // A run whose name is its own needs nothing more.
  expect(d.has('d')).toBe(false);
});
