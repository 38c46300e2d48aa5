// The fused ReLU+L1 SAE step matches an f64 CPU step: loss, every gradient, and the Adam-updated parameters.
import { describe, expect, it } from 'vitest';
import { ReluSaeStep } from '../../../../src/engine/wgsl/steps/relu-sae-step';
import { SaeState } from '../../../../src/engine/wgsl/steps/sae-state';
import { uploadBuffer } from '../../../../src/engine/wgsl/gpu/buffers';
import { expectClose, noGpuErrors, randn, realDevice, rng } from '../helpers';
import { cpuAdamFirstStep, cpuSaeStep } from '../sae-cpu';

async function check(B: number, d: number, m: number, seed: number, maxChunkRows?: number): Promise<void> {
  const { device } = await realDevice();
  const r = rng(seed);
  const init = {
    wEnc: randn(d * m, r, 0.4),
    bEnc: randn(m, r, 0.1),
    wDec: randn(m * d, r, 0.4),
    bDec: randn(d, r, 0.1),
  };
  const x = randn(B * d, r);
  const lambda = 0.3,
    lr = 1e-2,
    eps = 1e-3; // a large eps keeps Adam's first step smooth in g (no sign flips near 0)
  const want = cpuSaeStep(init, x, B, d, m, { lambda });
  const state = new SaeState(device, d, m, init);
  const step = new ReluSaeStep(state, { batch: B, lambda, adam: { lr, beta1: 0.9, beta2: 0.999, eps }, maxChunkRows });
  if (maxChunkRows) expect(step.chunks.length).toBeGreaterThan(1);
  const xb = uploadBuffer(device, x, 'x');
  const { loss, grads, params } = await noGpuErrors(device, async () => {
    step.step(xb);
    return { loss: await step.readLoss(), grads: await state.read('grads'), params: await state.read() };
  });
  expect(loss.mse).toBeCloseTo(want.mse, 4);
  expect(loss.aux).toBeCloseTo(want.aux, 4);
  for (const k of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const) {
    expectClose(grads[k], want.grads[k], 1e-4, `grad ${k}`);
    expectClose(params[k], cpuAdamFirstStep(init[k], want.grads[k], lr, eps), 1e-4, `adam ${k}`);
  }
  step.destroy();
  state.destroy();
  xb.destroy();
}

describe('ReLU+L1 SAE step (f32 WGSL) on real WebGPU', () => {
  it('matches f64 on a vec4-aligned shape', () => check(40, 8, 20, 11));
  it('matches f64 on an odd shape (scalar edges)', () => check(30, 6, 13, 12));
  it('accumulates gradients exactly over batch chunks', () => check(150, 8, 24, 13, 64));
});
