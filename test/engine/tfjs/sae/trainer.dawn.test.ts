// The tfjs SAE trainer on real WebGPU (Dawn over SwiftShader): the same loss-and-gradient, clipping, BatchTopK
// threshold and offset-FVU cases as the CPU backend, against the same f64 references, plus one full TopK step.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../../src/engine/create-engine';
import { TfjsSaeTrainer } from '../../../../src/engine/tfjs/sae/trainer';
import {
  batchThresholdCase,
  clipCases,
  gradientCases,
  HYPER,
  offsetFvuCase,
  problem,
  type MakeTrainer,
} from '../../../support/sae-grad-cases';

beforeAll(async () => {
  await createEngine('webgpu');
});

describe('SAE loss and gradients on tfjs WebGPU (Dawn)', () => {
  it('runs on the webgpu backend', () => {
    expect(tf.getBackend()).toBe('webgpu');
  });
  gradientCases();
  const make = (): MakeTrainer => (shape, init) => new TfjsSaeTrainer(shape, init);
  clipCases(make);
  batchThresholdCase(make);
  offsetFvuCase(make);
  it('a TopK step keeps decoder rows unit-norm and reports finite, batch-sized sums', async () => {
    const { init, x } = problem('topk', 9, 16, 6, 10);
    const t = new TfjsSaeTrainer({ architecture: 'topk', dIn: 6, dSae: 10 }, init);
    const r = await t.step(x, 16, HYPER, new Uint8Array(10).fill(1));
    expect(r.finite).toBe(true);
    expect(r.sums.rows).toBe(16);
    const p = await t.read();
    for (let i = 0; i < 10; i++) expect(Math.hypot(...p.wDec.subarray(i * 6, i * 6 + 6))).toBeCloseTo(1, 5);
    t.dispose();
  });
});
