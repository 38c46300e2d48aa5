// Loss-and-gradient cases shared by the CPU-backend and WebGPU (Dawn) tests: the tfjs trainer's raw gradients
// must equal the direct f64 computation of src/core/sae/reference.ts on small random data.
import { expect, it } from 'vitest';
import { createRng, normal } from '../../src/core/math/rng';
import type { SaeArchitecture } from '../../src/core/sae/config';
import { referenceSae, type ReferenceOptions } from '../../src/core/sae/reference';
import type { SaeParams } from '../../src/core/sae/params';
import { TfjsSaeTrainer } from '../../src/engine/tfjs/sae/trainer';
import type { SaeHyper } from '../../src/core/engine/sae-trainer';

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

export function gradientCases(): void {
  const B = 12,
    d = 6,
    m = 10;
  CASES.forEach((c, ci) => {
    it(`${c.name}: loss and gradients equal the f64 reference`, async () => {
      const { init, x } = problem(c.arch, 100 + ci, B, d, m);
      const hyper = { ...HYPER, ...c.hyper };
      const dead = c.dead ? Uint8Array.from({ length: m }, (_, i) => (c.dead!.includes(i) ? 1 : 0)) : undefined;
      const trainer = new TfjsSaeTrainer({ architecture: c.arch, dIn: d, dSae: m }, init, {
        maxChunkRows: c.maxChunkRows,
      });
      const got = await trainer.gradients(x, B, hyper, dead);
      trainer.dispose();
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
