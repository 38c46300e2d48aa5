// The SAE sweep job on the WGSL engine (Dawn): every member equals its single run across the architectures,
// stopping and adding live (two seeds' streams are the CPU test's: the loop is the same). Tiny shapes: SwiftShader is slow.
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type StartedEngine } from '../../src/engine/create-engine';
import { expectLiveControl, expectSweepTwins, SWEEP_BASE } from '../support/sae-sweep-cases';

let started: StartedEngine;
beforeAll(async () => {
  started = await createEngine('webgpu');
});

describe('SAE sweep job on the WGSL engine', () => {
  it('every member equals its single run: all four architectures on one stream', async () => {
    expect(started.engine.info.limits!.maxBufferSize).toBeGreaterThan(0);
    const sweep = await expectSweepTwins(
      started.engine,
      [{ name: 'arch', values: ['topk', 'relu', 'batchtopk', 'jumprelu'] }],
      // The same kernels on the same inputs, but float atomics in the batch reductions may add in another order
      // from run to run (BatchTopK differed by one f32 ulp of a weight here): equal to f32 rounding, not bits.
      1e-5,
      { ...SWEEP_BASE, steps: 6, evalEvery: 3 },
    );
    expect(sweep.implementation).toBe('wgsl');
  }, 300_000);

  it('a member stopped early ends at its step; a point added live runs its full steps', async () => {
    const { r, added } = await expectLiveControl(started.engine);
    expect(added).toEqual([2]);
    expect(r.members[0].stop).toEqual({ reason: 'stopped', step: 3 });
    expect(r.members[2].summary!.steps).toBe(SWEEP_BASE.steps);
  }, 300_000);
});
