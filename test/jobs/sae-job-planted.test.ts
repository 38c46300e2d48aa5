// The target: a TopK SAE (m = 512, k = 4) trained by the real job on the tfjs CPU backend recovers the
// planted dictionary (planted_dictionary.npy, ground truth) with MMCS ≥ 0.95, and explains held-out rows.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SAE_CONFIG, type SaeConfig } from '../../src/core/sae/config';
import { runSaeTrainJob } from '../../src/jobs/sae-job';
import { TfjsEngine } from '../../src/engine/tfjs/tfjs-engine';
import { storeWith } from '../support/store-helpers';
import { SAE_PROGRESS_FIELDS } from '../../src/protocol';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const engine = new TfjsEngine({ backend: 'cpu', implementation: 'tfjs-cpu', adapter: '', precision: 'f32' });

describe('planted features', () => {
  it('TopK m = 512, k = 4 reaches MMCS ≥ 0.95 against the planted dictionary, trained on train rows only', async () => {
    const store = await storeWith('planted_acts.npy', 'planted_dictionary.npy');
    // A hot constant lr with a decay tail: the CPU backend must get there in a few hundred steps.
    const config: SaeConfig = {
      ...DEFAULT_SAE_CONFIG,
      architecture: 'topk',
      dSae: 512,
      k: 4,
      lr: 1e-2,
      lrWarmupSteps: 10,
      lrDecayFraction: 0.3,
      batchSize: 128,
      steps: Number(process.env.PLANTED_STEPS ?? 300),
      evalEvery: 100,
      heldOutFraction: 0.1,
      seed: 3,
    };
    const points: Float64Array[] = [];
    const result = await runSaeTrainJob(
      { engine },
      store,
      {
        activations: { fileId: 'planted_acts.npy', key: '' },
        transform: 'none',
        config,
        groundTruth: { fileId: 'planted_dictionary.npy', key: '' },
      },
      { onStart: () => {}, onProgress: (p) => points.push(p), isCancelled: () => false },
    );
    expect(result).not.toBeNull();
    const r = result!;
    console.log(
      `MMCS ${r.mmcs!.mmcs.toFixed(4)}, found ${r.mmcs!.found}/256, held-out FVU ${r.test.fvu}, L0 ${r.test.l0}, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    );
    expect(r.mmcs!.trueFeatures).toBe(256);
    expect(r.mmcs!.mmcs).toBeGreaterThanOrEqual(0.95);
    expect(r.mmcs!.found).toBeGreaterThan(200);
    // Held-out: 819 of the fixture's 8,192 rows, never trained on, exactly k latents active, most variance explained.
    expect(r.testRows).toBe(Math.round(8192 * 0.1));
    expect(r.test.l0).toBeLessThanOrEqual(4);
    expect(r.test.fvu!).toBeLessThan(0.2);
    // Progress streamed every step, with held-out values on evaluation steps only.
    expect(points.length).toBe(config.steps);
    const testFvu = SAE_PROGRESS_FIELDS.indexOf('testFvu');
    expect(Number.isNaN(points[0][testFvu])).toBe(true);
    expect(points[99][testFvu]).toBeGreaterThan(0);
  }, 400_000);
});
