// The CPU (WebAssembly) SAE trainer against the f64 reference: raw gradients of every architecture (AuxK
// included), clipped steps, BatchTopK's threshold rule, FVU on offset data, and checkpoint round trips with the
// tfjs trainer in both directions.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuSaeTrainer } from '../../../src/engine/cpu/sae-trainer';
import { enableRelaxedSimd } from '../../../src/engine/cpu/kernels/node-relaxed-simd';
import { TfjsSaeTrainer } from '../../../src/engine/tfjs/sae/trainer';
import type { SaeArchitecture } from '../../../src/core/sae/config';
import { referenceSae } from '../../../src/core/sae/reference';
import {
  batchThresholdCase,
  clipCases,
  expectClose,
  gradientCases,
  HYPER,
  offsetFvuCase,
  problem,
  type MakeTrainer,
} from '../../support/sae-grad-cases';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const make = (): MakeTrainer => (shape, init) => new CpuSaeTrainer(shape, init);

describe('CPU SAE trainer against f64', () => {
  gradientCases((shape, init, _chunks, x, rows, hyper, dead) =>
    Promise.resolve(new CpuSaeTrainer(shape, init).gradients(x, rows, hyper, dead)),
  );
  clipCases(make);
  batchThresholdCase(make);
  offsetFvuCase(make);
});

describe('CPU SAE trainer on the relaxed-SIMD FMA kernels, against f64', () => {
  enableRelaxedSimd();
  gradientCases((shape, init, _chunks, x, rows, hyper, dead) =>
    Promise.resolve(new CpuSaeTrainer(shape, init, { kernels: 'fma' }).gradients(x, rows, hyper, dead)),
  );
});

describe('CPU SAE trainer on sparse ReLU codes', () => {
  it('ReLU + L1 with codes under 1/8 dense (the CSR path): loss and gradients equal the f64 reference', () => {
    const B = 16,
      d = 6,
      m = 10;
    const { init, x } = problem('relu', 321, B, d, m);
    const p = { ...init, bEnc: init.bEnc.map(() => -1.6) };
    const h = { ...HYPER, sparsity: 0.7 };
    const want = referenceSae(p, x, B, d, m, { architecture: 'relu', lambda: h.sparsity });
    const active = want.f.filter((v) => v > 0).length;
    // The case must be on the sparse path and still train something.
    expect(active).toBeGreaterThan(3);
    expect(active).toBeLessThanOrEqual((B * m) / 8);
    const got = new CpuSaeTrainer({ architecture: 'relu', dIn: d, dSae: m }, p).gradients(x, B, h);
    expect(got.mse).toBeCloseTo(want.mse, 4);
    expect(got.aux).toBeCloseTo(want.aux, 4);
    for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const)
      expectClose(got[key], want.grads[key], 2e-4, `grad ${key}`);
  });
});

describe('CPU SAE trainer checkpoints', () => {
  const B = 16,
    d = 7,
    m = 13;
  const cases: Array<[SaeArchitecture, Partial<typeof HYPER>]> = [
    ['relu', { sparsity: 0.5 }],
    ['topk', { k: 3 }],
    ['batchtopk', { k: 3, thresholdStartStep: 1 }],
    ['jumprelu', { sparsity: 0.3, bandwidth: 0.6 }],
  ];
  cases.forEach(([arch, over], ci) => {
    it(`${arch}: three steps, a checkpoint, and two more equal five uninterrupted steps; tfjs continues it alike`, async () => {
      const { init, x } = problem(arch, 900 + ci, B * 5, d, m);
      const h = { ...HYPER, lr: 1e-2, ...over };
      const shape = { architecture: arch, dIn: d, dSae: m };
      const batch = (s: number) => x.subarray(s * B * d, (s + 1) * B * d);
      const straight = new CpuSaeTrainer(shape, init);
      for (let s = 0; s < 5; s++) await straight.step(batch(s), B, h);
      const first = new CpuSaeTrainer(shape, init);
      for (let s = 0; s < 3; s++) await first.step(batch(s), B, h);
      const state = await first.exportState();
      const resumed = CpuSaeTrainer.fromState(shape, state);
      const onTfjs = TfjsSaeTrainer.fromState(shape, state);
      for (let s = 3; s < 5; s++) {
        await resumed.step(batch(s), B, h);
        await onTfjs.step(batch(s), B, h);
      }
      const want = await straight.exportState();
      const got = await resumed.exportState();
      expect(got.t).toBe(5);
      got.params.forEach((p, i) => expect(Array.from(p), `param ${i}`).toEqual(Array.from(want.params[i])));
      got.adamV.forEach((v, i) => expect(Array.from(v), `adam v ${i}`).toEqual(Array.from(want.adamV[i])));
      expect(got.batchThreshold).toBe(want.batchThreshold);
      // The tfjs trainer resumes the same state and lands within f32 rounding of the CPU trainer.
      const tf5 = await onTfjs.exportState();
      onTfjs.dispose();
      tf5.params.forEach((p, i) => expectClose(p, want.params[i], 1e-4, `tfjs-resumed param ${i}`));
      // And the CPU trainer takes back what tfjs wrote, bit for bit.
      const back = await CpuSaeTrainer.fromState(shape, tf5).exportState();
      expect(back.t).toBe(5);
      back.params.forEach((p, i) => expect(Array.from(p), `param ${i} from tfjs`).toEqual(Array.from(tf5.params[i])));
      back.adamM.forEach((v, i) => expect(Array.from(v), `adam m ${i} from tfjs`).toEqual(Array.from(tf5.adamM[i])));
    });
  });
});
