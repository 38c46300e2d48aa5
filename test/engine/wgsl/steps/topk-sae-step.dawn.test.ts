// The TopK SAE step (GPU top-k, sparse gather decoder, sparse backward, unit-norm decoder) matches an f64 CPU step.
import { describe, expect, it } from 'vitest';
import { TopKSaeStep } from '../../../../src/engine/wgsl/steps/topk-sae-step';
import { SaeState } from '../../../../src/engine/wgsl/steps/sae-state';
import { uploadBuffer } from '../../../../src/engine/wgsl/gpu/buffers';
import { expectClose, noGpuErrors, randn, realDevice, rng } from '../helpers';
import { cpuAdamFirstStep, cpuSaeStep } from '../sae-cpu';

function unitRows(w: Float32Array, m: number, d: number): Float32Array {
  const out = new Float32Array(w);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += out[i * d + j] ** 2;
    for (let j = 0; j < d; j++) out[i * d + j] /= Math.sqrt(s);
  }
  return out;
}

async function check(
  B: number,
  d: number,
  m: number,
  k: number,
  seed: number,
  opts: { maxChunkRows?: number; bEnc?: number } = {},
): Promise<void> {
  const { device } = await realDevice();
  const r = rng(seed);
  const wDec = unitRows(randn(m * d, r), m, d);
  const init = {
    wEnc: randn(d * m, r, 0.5),
    bEnc: randn(m, r, 0.1).map((v) => v + (opts.bEnc ?? 0)),
    wDec,
    bDec: randn(d, r, 0.1),
  };
  const x = randn(B * d, r);
  const lr = 1e-2,
    eps = 1e-3;
  const want = cpuSaeStep(init, x, B, d, m, { lambda: 0, k });
  const state = new SaeState(device, d, m, init);
  const step = new TopKSaeStep(state, {
    batch: B,
    k,
    adam: { lr, beta1: 0.9, beta2: 0.999, eps },
    maxChunkRows: opts.maxChunkRows,
  });
  if (opts.maxChunkRows) expect(step.chunks.length).toBeGreaterThan(1);
  const xb = uploadBuffer(device, x, 'x');
  const { loss, grads, params, top } = await noGpuErrors(device, async () => {
    step.step(xb);
    return {
      loss: await step.readLoss(),
      grads: await state.read('grads'),
      params: await state.read(),
      top: await step.readTopK(),
    };
  });
  // The selected activations of the last chunk's rows are exactly the CPU's nonzero top-k values.
  const [r0, rows] = step.chunks[step.chunks.length - 1];
  for (let row = 0; row < rows; row++) {
    const got = new Map<number, number>();
    for (let j = 0; j < k; j++) got.set(top.idx[row * k + j], top.val[row * k + j]);
    expect(got.size, `row ${row}: k distinct latents`).toBe(k);
    for (let i = 0; i < m; i++) {
      const f = want.f[(r0 + row) * m + i];
      if (f > 0) expect(got.get(i), `row ${row} latent ${i}`).toBeCloseTo(f, 4);
    }
  }
  expect(loss.mse).toBeCloseTo(want.mse, 4);
  for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const)
    expectClose(grads[key], want.grads[key], 1e-4, `grad ${key}`);
  const stepped = {
    ...init,
    ...Object.fromEntries(
      (['wEnc', 'bEnc', 'wDec', 'bDec'] as const).map((key) => [
        key,
        cpuAdamFirstStep(init[key], want.grads[key], lr, eps),
      ]),
    ),
  };
  expectClose(params.wEnc, stepped.wEnc, 1e-4, 'adam wEnc');
  expectClose(params.bDec, stepped.bDec, 1e-4, 'adam bDec');
  expectClose(params.wDec, unitRows(Float32Array.from(stepped.wDec), m, d), 1e-4, 'adam + renorm wDec');
  step.destroy();
  state.destroy();
  xb.destroy();
}

describe('TopK SAE step (f32 WGSL, sparse decoder) on real WebGPU', () => {
  it('matches f64 on a vec4-aligned shape', () => check(40, 8, 32, 4, 21));
  it('matches f64 on an odd shape (scalar edges)', () => check(30, 6, 13, 3, 22));
  it('keeps k latents when fewer than k are positive (ties at zero carry no gradient)', () =>
    check(20, 8, 16, 6, 23, { bEnc: -2.5 }));
  it('accumulates gradients exactly over batch chunks', () => check(150, 8, 24, 5, 24, { maxChunkRows: 64 }));
});
