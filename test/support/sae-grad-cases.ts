// SAE cases shared by the CPU-backend and WebGPU (Dawn) tests, each against the direct f64 computations of
// src/core/sae/reference.ts and architecture.ts on small random data: the tfjs trainer's raw gradients, and for
// any trainer a clipped step, BatchTopK's threshold rule and inference, and FVU on offset data.
import { expect, it } from 'vitest';
import { createRng, normal } from '../../src/core/math/rng';
import { nextBatchThreshold, preActivations64, selectionGate, type Selection } from '../../src/core/sae/architecture';
import type { SaeArchitecture } from '../../src/core/sae/config';
import { batchSums, finalizeSums } from '../../src/core/sae/metrics';
import { referenceFirstStep, referenceSae, type ReferenceOptions } from '../../src/core/sae/reference';
import type { SaeParams } from '../../src/core/sae/params';
import { TfjsSaeTrainer } from '../../src/engine/tfjs/sae/trainer';
import type { SaeHyper, SaeShape, SaeTrainer } from '../../src/core/engine/sae-trainer';

export function randn(n: number, random: () => number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => scale * normal(random));
}

import { expectClose } from './expect-close';
export { expectClose };

export const HYPER: SaeHyper = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  sparsity: 0,
  k: 3,
  auxK: 3,
  auxKCoefficient: 1 / 32,
  gradClip: null,
  thresholdEmaBeta: 0.999,
  thresholdStartStep: 0,
  bandwidth: 0.05,
};

interface Case {
  name: string;
  arch: SaeArchitecture;
  hyper: Partial<SaeHyper>;
  dead?: number[];
  maxChunkRows?: number;
}

const CASES: Case[] = [
  { name: 'ReLU + decoder-norm-weighted L1', arch: 'relu', hyper: { sparsity: 0.7 } },
  { name: 'ReLU + L1 over three row chunks', arch: 'relu', hyper: { sparsity: 0.7 }, maxChunkRows: 5 },
  { name: 'TopK (k = 3)', arch: 'topk', hyper: { k: 3 } },
  {
    name: 'TopK with AuxK on 4 dead latents',
    arch: 'topk',
    hyper: { k: 3, auxK: 2, auxKCoefficient: 0.5 },
    dead: [1, 4, 6, 9],
  },
  {
    name: 'TopK with AuxK over row chunks',
    arch: 'topk',
    hyper: { k: 3, auxK: 2, auxKCoefficient: 0.5 },
    dead: [1, 4, 6, 9],
    maxChunkRows: 5,
  },
  { name: 'BatchTopK (k·B over the batch)', arch: 'batchtopk', hyper: { k: 3 } },
  { name: 'BatchTopK over row chunks', arch: 'batchtopk', hyper: { k: 3 }, maxChunkRows: 5 },
  { name: 'JumpReLU (rectangle STE, L0 penalty)', arch: 'jumprelu', hyper: { sparsity: 0.3, bandwidth: 0.6 } },
];

export function problem(arch: SaeArchitecture, seed: number, B: number, d: number, m: number) {
  const r = createRng(seed);
  const wDec = randn(m * d, r, 0.5);
  if (arch === 'topk' || arch === 'batchtopk') {
    // TopK variants keep unit decoder rows; the trainer normalises at construction, so the reference must too.
    for (let i = 0; i < m; i++) {
      const n = Math.hypot(...wDec.subarray(i * d, (i + 1) * d));
      for (let j = 0; j < d; j++) wDec[i * d + j] /= n;
    }
  }
  const init: SaeParams = {
    wEnc: randn(d * m, r, 0.5),
    bEnc: randn(m, r, 0.1),
    wDec,
    bDec: randn(d, r, 0.1),
    // θ spread over the pre-activations' range so some rows fall inside the STE's rectangle.
    threshold: arch === 'jumprelu' ? Float32Array.from({ length: m }, () => 0.2 + 0.6 * r()) : undefined,
  };
  return { init, x: randn(B * d, r) };
}

/** Raw gradients and loss terms of a trainer built from `init` (rows in chunks of `maxChunkRows` where it chunks). */
export type RawGradientsOf = (
  shape: SaeShape,
  init: SaeParams,
  maxChunkRows: number | undefined,
  x: Float32Array,
  rows: number,
  hyper: SaeHyper,
  dead?: Uint8Array,
) => Promise<
  { [K in 'wEnc' | 'bEnc' | 'wDec' | 'bDec']: Float32Array } & { logThreshold?: Float32Array; mse: number; aux: number }
>;

const tfjsGradients: RawGradientsOf = async (shape, init, maxChunkRows, x, rows, hyper, dead) => {
  const trainer = new TfjsSaeTrainer(shape, init, { maxChunkRows });
  const got = await trainer.gradients(x, rows, hyper, dead);
  trainer.dispose();
  return got;
};

export function gradientCases(gradientsOf: RawGradientsOf = tfjsGradients): void {
  const B = 12,
    d = 6,
    m = 10;
  CASES.forEach((c, ci) => {
    it(`${c.name}: loss and gradients equal the f64 reference`, async () => {
      const { init, x } = problem(c.arch, 100 + ci, B, d, m);
      const hyper = { ...HYPER, ...c.hyper };
      const dead = c.dead ? Uint8Array.from({ length: m }, (_, i) => (c.dead!.includes(i) ? 1 : 0)) : undefined;
      const got = await gradientsOf({ architecture: c.arch, dIn: d, dSae: m }, init, c.maxChunkRows, x, B, hyper, dead);
      const opts: ReferenceOptions = {
        architecture: c.arch,
        k: hyper.k,
        lambda: hyper.sparsity,
        auxK: hyper.auxK,
        auxKCoefficient: hyper.auxKCoefficient,
        dead,
        bandwidth: hyper.bandwidth,
        logThreshold: init.threshold ? Float64Array.from(init.threshold, Math.log) : undefined,
      };
      const want = referenceSae(init, x, B, d, m, opts);
      if (c.arch === 'jumprelu') {
        // The case must exercise the threshold gradient, or it proves nothing about it.
        expect(want.grads.logThreshold!.some((v) => v !== 0)).toBe(true);
        expectClose(got.logThreshold!, want.grads.logThreshold!, 2e-4, 'grad log θ');
      }
      if (c.dead) expect(want.aux).toBeGreaterThan(0);
      expect(got.mse).toBeCloseTo(want.mse, 4);
      expect(got.aux).toBeCloseTo(want.aux, 4);
      for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const)
        expectClose(got[key], want.grads[key], 2e-4, `grad ${key}`);
    });
  });
}

/** A trainer under test, built from fresh parameters: tfjs on the current backend, or WGSL on a device. */
export type MakeTrainer = (shape: SaeShape, init: SaeParams) => SaeTrainer;

/** f64 inference of p on x [B, d] under the architecture's inference rule (θ [m] for thresholds): codes and sums. */
export function referenceInference(
  p: SaeParams,
  x: ArrayLike<number>,
  B: number,
  d: number,
  m: number,
  selection: Selection,
  k: number,
  theta?: ArrayLike<number>,
) {
  const pre = preActivations64(p, x, B, d, m);
  const gate = selectionGate(selection, pre, B, m, k, theta);
  const f = Float64Array.from(pre, (v, n) => v * gate[n]);
  const xHat = new Float64Array(B * d);
  for (let b = 0; b < B; b++)
    for (let j = 0; j < d; j++) {
      let s = p.bDec[j];
      for (let i = 0; i < m; i++) s += f[b * m + i] * p.wDec[i * d + j];
      xHat[b * d + j] = s;
    }
  return { f, xHat, sums: batchSums(x, xHat, f, B, d, m) };
}

/**
 * Gradient clipping, identical on every trainer: one step with the clip binding equals the f64 reference step
 * (the global norm of all gradients after the decoder's parallel-component removal, scaled to the clip, then
 * Adam). ε = 10 makes Adam's first step nearly lr·g/ε, so the clip factor shows in every parameter.
 */
export function clipCases(make: () => MakeTrainer): void {
  const B = 12,
    d = 6,
    m = 10;
  const cases: Array<[SaeArchitecture, Partial<SaeHyper>]> = [
    ['relu', { sparsity: 0.7 }],
    ['topk', { k: 3 }],
    ['batchtopk', { k: 3 }],
    ['jumprelu', { sparsity: 0.3, bandwidth: 0.6 }],
  ];
  cases.forEach(([arch, over], ci) => {
    it(`${arch}: a clipped step equals the f64 reference step (norm after projection, then Adam)`, async () => {
      const { init, x } = problem(arch, 500 + ci, B, d, m);
      const logThreshold = init.threshold ? Float64Array.from(Float32Array.from(init.threshold, Math.log)) : undefined;
      const h: SaeHyper = { ...HYPER, lr: 1e-2, eps: 10, auxKCoefficient: 0, ...over };
      const raw = referenceSae(init, x, B, d, m, {
        architecture: arch,
        k: h.k,
        lambda: h.sparsity,
        bandwidth: h.bandwidth,
        logThreshold,
      });
      const unclipped = referenceFirstStep(init, raw, arch, m, d, h, logThreshold);
      const clip = 0.3 * unclipped.gradNorm;
      const want = referenceFirstStep(init, raw, arch, m, d, { ...h, gradClip: clip }, logThreshold);
      expect(want.clipScale).toBeCloseTo(0.3, 12);
      const t = make()({ architecture: arch, dIn: d, dSae: m }, init);
      const r = await t.step(x, B, { ...h, gradClip: clip });
      const got = await t.read();
      t.dispose();
      expect(r.finite).toBe(true);
      expect(r.gradNorm).toBeCloseTo(want.gradNorm, 4);
      for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const)
        expectClose(got[key], want.params[key], 2e-5, `${arch} clipped ${key}`);
      // The clip matters: the unclipped step lands measurably elsewhere.
      let moved = 0;
      for (let i = 0; i < got.bDec.length; i++)
        moved = Math.max(moved, Math.abs(unclipped.params.bDec[i] - got.bDec[i]));
      expect(moved).toBeGreaterThan(1e-4);
      if (arch === 'jumprelu') expectClose(got.threshold!, want.params.logThreshold!.map(Math.exp), 2e-5, 'clipped θ');
    });
  });
}

/**
 * BatchTopK's θ on every trainer: with lr = 0 the parameters stay put, so each batch's cut is the f64
 * reference's smallest kept activation; θ follows architecture.ts's rule over those cuts (nothing during the
 * warm-up), and inference then gates at θ: codes and sums equal the f64 threshold inference.
 */
export function batchThresholdCase(make: () => MakeTrainer): void {
  it('BatchTopK: θ follows the warm-up + EMA rule over the batch cuts, and inference gates at θ', async () => {
    const B = 16,
      d = 6,
      m = 10,
      steps = 5;
    const { init, x } = problem('batchtopk', 600, B * steps, d, m);
    const rule = { startStep: 2, beta: 0.6 };
    const h: SaeHyper = { ...HYPER, lr: 0, k: 3, thresholdStartStep: rule.startStep, thresholdEmaBeta: rule.beta };
    const t = make()({ architecture: 'batchtopk', dIn: d, dSae: m }, init);
    let theta: number | null = null;
    for (let s = 0; s < steps; s++) {
      const xb = x.subarray(s * B * d, (s + 1) * B * d);
      await t.step(xb, B, h);
      const f = referenceSae(init, xb, B, d, m, { architecture: 'batchtopk', k: h.k }).f;
      let cut = Infinity;
      for (const v of f) if (v > 0) cut = Math.min(cut, v);
      theta = nextBatchThreshold(theta, cut, s + 1, rule);
      const got = (await t.exportState()).batchThreshold;
      if (theta === null) expect(got, `step ${s + 1} is in the warm-up`).toBeNull();
      else expect(got!).toBeCloseTo(theta, 5);
    }
    const thetaVec = new Float32Array(m).fill(theta!);
    const want = referenceInference(init, x, B * steps, d, m, 'threshold', h.k, thetaVec);
    const got = await t.evaluate(x, B * steps, h.k);
    expect(got.l0).toBe(want.sums.l0);
    expect(Array.from(got.fires)).toEqual(Array.from(want.sums.fires));
    expect(got.sqErr).toBeCloseTo(want.sums.sqErr, 3);
    expect(got.l1).toBeCloseTo(want.sums.l1, 3);
    // θ gates differently from top-k per row, or the case proves nothing about the threshold gate.
    expect(referenceInference(init, x, B * steps, d, m, 'row-topk', h.k).sums.l0).not.toBe(want.sums.l0);
    expectClose(await t.encode(x, B * steps, h.k), want.f, 2e-5, 'codes at θ');
    t.dispose();
  });
}

/**
 * FVU on rows with a mean offset 1,000 times their spread (Σ‖x‖² ≈ 10⁶·Σ‖x − x̄‖²): evaluation and the training
 * step's batch sums equal the f64 reference, where an f32 Σ‖x‖² alone would be off by more than the variance.
 */
export function offsetFvuCase(make: () => MakeTrainer): void {
  it('FVU on data with a large mean offset equals the f64 reference', async () => {
    const B = 64,
      d = 6,
      m = 10;
    const { init, x: noise } = problem('relu', 700, B, d, m);
    const offset = Float64Array.from({ length: d }, (_, j) => 1000 * (1 + j / d));
    const x = Float32Array.from(noise, (v, n) => offset[n % d] + v);
    const p = { ...init, bDec: Float32Array.from(offset), bEnc: init.bEnc.map(() => 0.2) };
    const want = finalizeSums(referenceInference(p, x, B, d, m, 'relu', 0).sums);
    expect(want.fvu!).toBeGreaterThan(0.5);
    const t = make()({ architecture: 'relu', dIn: d, dSae: m }, p);
    const evaluated = finalizeSums(await t.evaluate(x, B, 0));
    const stepped = finalizeSums((await t.step(x, B, { ...HYPER, lr: 0 })).sums);
    t.dispose();
    expect(Math.abs(evaluated.fvu! - want.fvu!) / want.fvu!).toBeLessThan(1e-3);
    expect(Math.abs(stepped.fvu! - want.fvu!) / want.fvu!).toBeLessThan(1e-3);
    expect(evaluated.cosine!).toBeCloseTo(want.cosine!, 6);
  });
}
