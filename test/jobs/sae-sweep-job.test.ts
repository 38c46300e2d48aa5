// The SAE sweep job on the CPU engine: members are their single runs' twins, stopping and adding live, the memory
// refusal naming the largest grid that fits.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TfjsEngine } from '../../src/engine/tfjs/tfjs-engine';
import { runSaeSweepJob } from '../../src/jobs/sae-sweep-job';
import { expectLiveControl, expectSweepTwins, SWEEP_BASE, sweepStore } from '../support/sae-sweep-cases';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const engine = new TfjsEngine({ backend: 'cpu', implementation: 'tfjs-cpu', adapter: '', precision: 'f32' });

describe('SAE sweep job (tfjs-cpu)', () => {
  it('every member equals its single run: k × d_sae × seed (two batch streams)', async () => {
    const sweep = await expectSweepTwins(
      engine,
      [
        { name: 'k', values: [2, 4] },
        { name: 'd-sae', values: [16, 32] },
        { name: 'seed', values: [3, 5] },
      ],
      0,
    );
    expect(sweep.members.length).toBe(8);
    // Two streams (one per seed), each drawn once per step for its four members.
    expect(sweep.batches).toBe(2 * SWEEP_BASE.steps);
  }, 120_000);

  it('every architecture, λ and lr in one stream equals its single run', async () => {
    await expectSweepTwins(engine, [{ name: 'arch', values: ['relu', 'topk', 'batchtopk', 'jumprelu'] }], 0);
    await expectSweepTwins(
      engine,
      [
        { name: 'sparsity', values: [0.5, 5] },
        { name: 'lr', values: [1e-3, 3e-3] },
      ],
      0,
      { ...SWEEP_BASE, architecture: 'relu' },
    );
  }, 120_000);

  it('a member stopped early ends at its step; a point added live runs its full steps', async () => {
    const { r, added } = await expectLiveControl(engine);
    expect(added).toEqual([2]);
    const [m0, m1, m2] = r.members;
    expect(m0.stop).toEqual({ reason: 'stopped', step: 3 });
    expect(m0.summary!.steps).toBe(3);
    expect(m1.stop.reason).toBe('done');
    expect(m2.member).toMatchObject({ addedLive: true, label: 'k=8', config: { k: 8 } });
    expect(m2.summary!.steps).toBe(SWEEP_BASE.steps);
    expect(m2.summary!.test.l0!).toBeLessThanOrEqual(8);
  }, 60_000);

  it('refuses a grid over the memory budget before training, naming the largest grid that fits', async () => {
    const store = await sweepStore();
    let started = false;
    const run = runSaeSweepJob(
      { engine },
      store,
      {
        activations: { fileId: 'acts.npy', key: '' },
        transform: 'none',
        base: SWEEP_BASE,
        axes: [
          { name: 'k', values: [2, 4, 8] },
          { name: 'd-sae', values: [16, 32, 64] },
        ],
        // d = 8, B = 32: a d_sae 16 member needs 4 copies × 4 bytes × (2·8·16 + 16 + 8) + 2 × 4 bytes × 32·16 =
        // 8,576 bytes, d_sae 32: 17,024 (the nine members: 178,560).
        memoryBudgetBytes: 3 * 8_576 + 3 * 17_024,
      },
      { onStart: () => (started = true), onProgress: () => {}, onMemberEnd: () => {}, isCancelled: () => false },
    );
    await expect(run).rejects.toThrow(
      /sweep refused: its 9 members need .* GiB together.*the largest grid that fits is --sweep k=2,4,8 --sweep d-sae=16,32 \(6 members\)/,
    );
    expect(started).toBe(false);
  });
});
