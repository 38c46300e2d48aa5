import { expect, test } from 'vitest';
import { addToHistory, runIdentity } from '../../../src/ui/runs/run-history';
import type { RunRecord } from '../../../src/ui/runs/run-record';
import { validateSetup, type RunSetup } from '../../../src/ui/runs/run-setup';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';
import { DEFAULT_SAE_CONFIG } from '../../../src/core/sae/config';
import { DEFAULT_SUITE_SETTINGS } from '../../../src/ui/runs/suite-settings';

const setup = (C: number, file = 'acts.npy'): RunSetup => ({
  version: 1,
  method: 'logistic',
  config: { ...DEFAULT_LOGISTIC, C },
  split: { kind: 'random', testFraction: 0.25, seed: 0, stratify: true },
  data: { activations: { fileName: file, key: '' }, labels: { fileName: 'y.npy', key: '' } },
});
let clock = 1000;
const run = (id: string, s: RunSetup, extra: Partial<RunRecord> = {}): RunRecord =>
  ({
    id,
    name: `run ${id}`,
    createdAt: clock++,
    setup: s,
    engine: null,
    progress: { fields: [], columns: [] },
    result: { method: 'logistic' } as RunRecord['result'],
    ...extra,
  }) as RunRecord;

test('the same data and settings are the same run, whatever the order of their fields', () => {
  const a = setup(1) as Extract<RunSetup, { method: 'logistic' }>;
  const reordered = JSON.parse(
    JSON.stringify({ data: a.data, split: a.split, config: a.config, method: a.method, version: 1 }),
  );
  expect(runIdentity(reordered)).toBe(runIdentity(a));
  expect(runIdentity(setup(2))).not.toBe(runIdentity(a));
  expect(runIdentity(setup(1, 'other.npy'))).not.toBe(runIdentity(a));
});

test('a rerun of the same setup replaces its history entry (keeping its id and name) instead of adding one', () => {
  let list: RunRecord[] = [];
  for (const [id, C] of [
    ['a', 1],
    ['b', 1],
    ['c', 1],
    ['d', 1],
    ['e', 1],
  ] as const)
    list = addToHistory(list, run(id, setup(C))).list;
  expect(list).toHaveLength(1);
  expect(list[0].id).toBe('a');
  expect(list[0].name).toBe('run a');
  // The entry carries the newest run's time and result.
  expect(list[0].createdAt).toBe(clock - 1);
  list = addToHistory(list, run('f', setup(0.01))).list;
  expect(list.map((r) => r.id)).toEqual(['f', 'a']);
  list = addToHistory(list, run('g', setup(1))).list;
  expect(list.map((r) => r.id)).toEqual(['a', 'f']);
});

test('a pinned run is the same run already kept: a rerun adds nothing and never changes it', () => {
  const pinned = run('p', setup(1), { pinned: true, name: 'my best' });
  const out = addToHistory([pinned], run('q', setup(1)));
  expect(out.written).toBeNull();
  expect(out.list).toEqual([pinned]);
});

test('the history is capped, oldest unpinned runs dropped first; pinned runs never count or drop', () => {
  let list: RunRecord[] = [run('pin', setup(999), { pinned: true })];
  const dropped: string[] = [];
  for (let i = 0; i < 8; i++) {
    const out = addToHistory(list, run(`r${i}`, setup(i)), 5);
    list = out.list;
    dropped.push(...out.dropped);
  }
  expect(list.filter((r) => !r.pinned).map((r) => r.id)).toEqual(['r7', 'r6', 'r5', 'r4', 'r3']);
  expect(dropped).toEqual(['r0', 'r1', 'r2']);
  expect(list.some((r) => r.id === 'pin')).toBe(true);
});

test('a sweep is one history entry per grid: the same grid replaces it, another grid (however typed) adds one', () => {
  const sweep = (grid: string[]): RunSetup =>
    validateSetup({
      version: 1,
      method: 'sae-sweep',
      config: DEFAULT_SAE_CONFIG,
      grid,
      split: { kind: 'random', testFraction: 0.1, seed: 0, stratify: false },
      data: { activations: { fileName: 'acts.npy', key: '' } },
    });
  let list: RunRecord[] = [];
  for (const [id, grid] of [
    ['a', ['k=4,8', 'd-sae=32,64']],
    ['b', ['k=4,8', 'd-sae=32,128']],
    ['c', ['k = 4, 8', 'd-sae=32,64']],
  ] as const)
    list = addToHistory(list, run(id, sweep([...grid]))).list;
  // 'c' is the grid of 'a' typed with spaces: it replaced 'a' (keeping its id); 'b' has another grid.
  expect(list.map((r) => r.id).sort()).toEqual(['a', 'b']);
  expect(list.find((r) => r.id === 'a')!.createdAt).toBeGreaterThan(list.find((r) => r.id === 'b')!.createdAt);
  // A probe sweep's grid is its suite settings: other Cs are another run.
  const probe = (Cs: number[]): RunSetup => ({
    version: 1,
    method: 'suite',
    suite: {
      ...DEFAULT_SUITE_SETTINGS,
      method: 'probe-sweep',
      probeSweep: { ...DEFAULT_SUITE_SETTINGS.probeSweep, Cs },
    },
    split: { kind: 'random', testFraction: 0.25, seed: 0, stratify: true },
    data: {},
  });
  expect(runIdentity(probe([0.1, 1]))).not.toBe(runIdentity(probe([0.1, 10])));
  expect(runIdentity(probe([0.1, 1]))).toBe(runIdentity(probe([0.1, 1])));
});

test('a sweep setup with no grid or a malformed one is refused', () => {
  const base = {
    version: 1,
    method: 'sae-sweep',
    config: {},
    split: { kind: 'random', testFraction: 0.1, seed: 0, stratify: false },
    data: {},
  };
  expect(() => validateSetup({ ...base })).toThrow(/grid is undefined/);
  expect(() => validateSetup({ ...base, grid: [] })).toThrow(/expected lines/);
  expect(() => validateSetup({ ...base, grid: ['k=4,4'] })).toThrow(/given twice/);
});
