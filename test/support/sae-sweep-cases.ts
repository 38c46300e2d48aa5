// The sweep cases every engine runs: each member of a sweep is its single run's twin (same weights, same held-out
// metrics), across architectures, sizes and seeds (two streams); a member stopped early or added live.
import { expect } from 'vitest';
import type { Engine } from '../../src/core/engine/engine';
import { DEFAULT_SAE_CONFIG, type SaeConfig } from '../../src/core/sae/config';
import type { SweepAxis } from '../../src/core/sweep/grid';
import { runSaeTrainJob } from '../../src/jobs/sae-job';
import { runSaeSweepJob, SaeSweepControl } from '../../src/jobs/sae-sweep-job';
import type { SaeSweepSpec } from '../../src/protocol';
import { sparseFeatureRows, storeWithRows } from './sae-data';

export const SWEEP_BASE: SaeConfig = {
  ...DEFAULT_SAE_CONFIG,
  dSae: 32,
  k: 4,
  batchSize: 32,
  steps: 12,
  evalEvery: 4,
  lrWarmupSteps: 2,
  sparsityWarmupSteps: 3,
  seed: 3,
};

export async function sweepStore(rows = 300, d = 8) {
  return storeWithRows('acts.npy', sparseFeatureRows(rows, d, 16, 3, 7), rows, d);
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Runs the sweep and each member's single run; every member's weights and held-out metrics match its twin's. */
export async function expectSweepTwins(engine: Engine, axes: SweepAxis[], tol: number, base = SWEEP_BASE) {
  const store = await sweepStore();
  const activations = { fileId: 'acts.npy', key: '' };
  const spec: SaeSweepSpec = { activations, transform: 'none', base, axes };
  const progress = new Map<number, number>();
  const sweep = (await runSaeSweepJob({ engine }, store, spec, {
    onStart: () => {},
    onProgress: (id) => progress.set(id, (progress.get(id) ?? 0) + 1),
    onMemberEnd: () => {},
    isCancelled: () => false,
  }))!;
  for (const r of sweep.members) {
    const single = (await runSaeTrainJob(
      { engine },
      store,
      { activations, transform: 'none', config: r.member.config },
      { onStart: () => {}, onProgress: () => {}, isCancelled: () => false },
    ))!;
    const s = r.summary!;
    expect(r.stop.reason, r.member.label).toBe('done');
    expect(progress.get(r.member.id)).toBe(base.steps);
    expect(s.steps).toBe(single.steps);
    for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const)
      expect(maxAbsDiff(s.weights[key], single.weights[key]), `${r.member.label} ${key}`).toBeLessThanOrEqual(tol);
    expect(s.test.fvu!).toBeCloseTo(single.test.fvu!, 5);
    expect(s.test.l0!).toBeCloseTo(single.test.l0!, 5);
    expect(s.deadFraction).toBe(single.deadFraction);
  }
  return sweep;
}

/** A member stopped after a few steps ends there; a point added live trains its full run from its own init. */
export async function expectLiveControl(engine: Engine) {
  const store = await sweepStore();
  const control = new SaeSweepControl();
  const seen = [0, 0];
  const added: number[] = [];
  const spec: SaeSweepSpec = {
    activations: { fileId: 'acts.npy', key: '' },
    transform: 'none',
    base: SWEEP_BASE,
    axes: [{ name: 'k', values: [2, 4] }],
  };
  const r = (await runSaeSweepJob(
    { engine },
    store,
    spec,
    {
      onStart: () => {},
      onMemberAdded: (m) => added.push(m.id),
      onProgress: (id) => {
        seen[id]++;
        if (id === 0 && seen[0] === 3) control.stop(0);
        if (id === 1 && seen[1] === 5) control.add({ k: 8 });
      },
      onMemberEnd: () => {},
      isCancelled: () => false,
    },
    control,
  ))!;
  return { r, added };
}
