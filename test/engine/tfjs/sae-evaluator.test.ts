// An imported dictionary on the tfjs engine: thresholds used exactly as given (θ = 0 included, which a log-θ
// parameter cannot hold), encode and evaluate leave no tensors behind, and training entry points refuse.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/math/rng';
import type { SaeParams } from '../../../src/core/sae/params';
import { TfjsEngine } from '../../../src/engine/tfjs/tfjs-engine';
import { HYPER, randn } from '../../support/sae-grad-cases';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const engine = new TfjsEngine({ backend: 'cpu', implementation: 'tfjs-cpu', adapter: '', precision: 'f32' });
const d = 6,
  m = 10,
  rows = 9;

function params(): SaeParams {
  const r = createRng(4);
  const threshold = Float32Array.from({ length: m }, (_, i) => (i % 2 ? 0 : 0.1 + 0.05 * i));
  return { wEnc: randn(d * m, r), bEnc: randn(m, r), wDec: randn(m * d, r), bDec: randn(d, r), threshold };
}

describe('imported dictionary evaluator', () => {
  it('JumpReLU codes are pre where pre > θ exactly, θ = 0 meaning pre > 0', async () => {
    const p = params();
    const x = randn(rows * d, createRng(5));
    const t = engine.saeTrainer({ architecture: 'jumprelu', dIn: d, dSae: m }, { evaluate: p });
    const f = await t.encode(x, rows, 0);
    // pre in f32 as the engine forms it: (x − b_dec)·W_enc + b_enc.
    const pre = tf.tidy(() =>
      tf
        .tensor2d(x, [rows, d])
        .sub(tf.tensor1d(p.bDec))
        .matMul(tf.tensor2d(p.wEnc, [d, m]))
        .add(tf.tensor1d(p.bEnc))
        .dataSync(),
    );
    let zeroThetaFires = 0;
    for (let n = 0; n < rows * m; n++) {
      const theta = p.threshold![n % m];
      expect(f[n] + 0).toBe(pre[n] > theta ? pre[n] : 0); // + 0: a masked negative pre is −0
      if (theta === 0 && pre[n] > 0) zeroThetaFires++;
    }
    expect(zeroThetaFires).toBeGreaterThan(0);
    expect(await t.read()).toBe(p);
    t.dispose();
  });

  it('keeps no tensors between calls and none after dispose; refuses to train or checkpoint', async () => {
    const before = tf.memory().numTensors;
    const t = engine.saeTrainer({ architecture: 'jumprelu', dIn: d, dSae: m }, { evaluate: params() });
    const x = randn(rows * d, createRng(6));
    await t.encode(x, rows, 0);
    const held = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await t.encode(x, rows, 0);
      await t.evaluate(x, rows, 0);
    }
    expect(tf.memory().numTensors).toBe(held);
    await expect(t.step(x, rows, HYPER)).rejects.toThrow(/evaluated, not trained/);
    await expect(t.exportState()).rejects.toThrow(/no training state/);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
