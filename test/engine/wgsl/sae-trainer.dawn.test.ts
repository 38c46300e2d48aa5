// The WGSL SAE trainer on real WebGPU (Dawn): one step equals the f64 reference (loss, gradients, Adam update,
// batch sums, AuxK on dead latents included), a few steps equal the tfjs trainer from the same init (AuxK too),
// and the SAE job picks it when given the device.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SAE_CONFIG, type SaeArchitecture } from '../../../src/core/sae/config';
import { referenceSae, removeParallelComponent } from '../../../src/core/sae/reference';
import { createEngine, type StartedEngine } from '../../../src/engine/create-engine';
import { TfjsSaeTrainer } from '../../../src/engine/tfjs/sae/trainer';
import type { SaeHyper } from '../../../src/core/engine/sae-trainer';
import { reluSparseCapacity, WgslSaeTrainer } from '../../../src/engine/wgsl/sae-trainer';
import { runSaeTrainJob } from '../../../src/jobs/sae-job';
import {
  batchThresholdCase,
  clipCases,
  expectClose,
  HYPER,
  offsetFvuCase,
  problem,
  type MakeTrainer,
} from '../../support/sae-grad-cases';
import { storeWith } from '../../support/store-helpers';

let started: StartedEngine;
let device: GPUDevice;
beforeAll(async () => {
  started = await createEngine('webgpu');
  device = started.gpu!.device;
});

// lr 1e-2 and a large ε keep Adam's first step smooth in g (no sign flips of near-zero gradients between f32 paths).
const H: SaeHyper = { ...HYPER, lr: 1e-2, eps: 1e-3, auxKCoefficient: 0 };

const unitRows = (w: ArrayLike<number>, m: number, d: number) => {
  const out = Float64Array.from(w);
  for (let i = 0; i < m; i++) {
    const n = Math.hypot(...out.subarray(i * d, (i + 1) * d));
    for (let j = 0; j < d; j++) out[i * d + j] /= n;
  }
  return out;
};

async function oneStepMatchesReference(
  arch: SaeArchitecture,
  B: number,
  d: number,
  m: number,
  seed: number,
  hyper: Partial<SaeHyper>,
  maxChunkRows?: number,
  dead?: Uint8Array,
) {
  const { init, x } = problem(arch, seed, B, d, m);
  const h = { ...H, ...hyper };
  const t = new WgslSaeTrainer(device, { architecture: arch, dIn: d, dSae: m }, init, { maxChunkRows });
  device.pushErrorScope('validation');
  const r = await t.step(x, B, h, dead);
  const grads = await t.gradients();
  const after = await t.read();
  expect((await device.popErrorScope())?.message ?? null).toBeNull();
  const logThreshold = init.threshold ? Float64Array.from(Float32Array.from(init.threshold, Math.log)) : undefined;
  const want = referenceSae(init, x, B, d, m, {
    architecture: arch,
    k: h.k,
    lambda: h.sparsity,
    auxK: h.auxK,
    auxKCoefficient: h.auxKCoefficient,
    dead,
    bandwidth: h.bandwidth,
    logThreshold,
  });
  if (dead && h.auxKCoefficient > 0) expect(want.aux, 'the reference AuxK term').toBeGreaterThan(0);
  expect(r.finite).toBe(true);
  expect(t.steps).toBe(1);
  expect(r.mse).toBeCloseTo(want.mse, 4);
  expect(r.aux).toBeCloseTo(want.aux, 4);
  const unit = arch === 'topk' || arch === 'batchtopk';
  const gWDec = unit ? removeParallelComponent(want.grads.wDec, init.wDec, m, d) : want.grads.wDec;
  const wantGrads = { ...want.grads, wDec: gWDec };
  for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const)
    expectClose(grads[key], wantGrads[key], 2e-4, `grad ${key}`);
  let n2 = 0;
  for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const) for (const v of wantGrads[key]) n2 += v * v;
  if (arch === 'jumprelu') {
    expect(
      want.grads.logThreshold!.some((v) => v !== 0),
      'some pre-activation inside the STE window',
    ).toBe(true);
    expectClose(grads.logTheta!, want.grads.logThreshold!, 2e-4, 'grad log θ');
    for (const v of want.grads.logThreshold!) n2 += v * v;
  }
  expect(r.gradNorm).toBeCloseTo(Math.sqrt(n2), 4);
  // Adam's first step from zero moments is lr·g/(|g| + ε); TopK then renormalises decoder rows.
  for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const) {
    let want1 = Float64Array.from(
      init[key],
      (p, i) => p - (h.lr * wantGrads[key][i]) / (Math.abs(wantGrads[key][i]) + h.eps),
    );
    if (key === 'wDec' && unit) want1 = unitRows(want1, m, d);
    expectClose(after[key], want1, 2e-4, `adam ${key}`);
  }
  if (arch === 'jumprelu') {
    const g = want.grads.logThreshold!;
    const theta = logThreshold!.map((l, i) => Math.exp(l - (h.lr * g[i]) / (Math.abs(g[i]) + h.eps)));
    expectClose(after.threshold!, theta, 2e-4, 'adam θ');
  }
  // Batch sums at the pre-step parameters, from the reference's x̂ and f.
  let sqErr = 0,
    dot = 0,
    sqXHat = 0,
    l0 = 0,
    l1 = 0;
  const fires = new Float64Array(m);
  for (let n = 0; n < B * d; n++) {
    sqErr += (x[n] - want.xHat[n]) ** 2;
    dot += x[n] * want.xHat[n];
    sqXHat += want.xHat[n] ** 2;
  }
  for (let n = 0; n < B * m; n++)
    if (want.f[n] > 0) {
      l0++;
      l1 += want.f[n];
      fires[n % m]++;
    }
  expect(r.sums.rows).toBe(B);
  expect(r.sums.sqErr).toBeCloseTo(sqErr, 3);
  expect(r.sums.dotXHatX).toBeCloseTo(dot, 3);
  expect(r.sums.sqXHat).toBeCloseTo(sqXHat, 3);
  expect(r.sums.l0).toBe(l0);
  expect(r.sums.l1).toBeCloseTo(l1, 3);
  expect(Array.from(r.sums.fires)).toEqual(Array.from(fires));
  if (arch === 'batchtopk') {
    // θ starts at the smallest activation the batch kept; inference then gates at θ (exported as JumpReLU).
    let minKept = Infinity;
    for (const v of want.f) if (v > 0) minKept = Math.min(minKept, v);
    const exported = await t.read();
    expect(exported.threshold![0]).toBeCloseTo(minKept, 5);
    expect(exported.threshold!.every((v) => v === exported.threshold![0])).toBe(true);
  }
  t.dispose();
}

describe('WGSL SAE trainer on real WebGPU (Dawn)', () => {
  it('runs on a real WebGPU adapter shared with tfjs', () => {
    expect(started.gpu, 'createEngine gave no GPU device').toBeDefined();
    expect(device.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(typeof started.gpu!.adapterInfo?.vendor).toBe('string');
    expect(tf.getBackend()).toBe('webgpu');
  });

  it('ReLU + L1: one step equals the f64 reference (loss, gradients, Adam, batch sums)', () =>
    oneStepMatchesReference('relu', 12, 6, 10, 201, { sparsity: 0.7 }));
  it('ReLU + L1 on an odd shape over three row chunks', () =>
    oneStepMatchesReference('relu', 150, 7, 13, 202, { sparsity: 0.4 }, 64));
  it('TopK: one step equals the f64 reference (decoder gradient without its parallel part, renormalised rows)', () =>
    oneStepMatchesReference('topk', 12, 6, 10, 203, { k: 3 }));
  it('TopK on an odd shape over three row chunks', () =>
    oneStepMatchesReference('topk', 150, 7, 13, 204, { k: 4 }, 64));

  const every = (m: number, n: number) => Uint8Array.from({ length: m }, (_, i) => (i % n === 0 ? 1 : 0));
  it("TopK + AuxK: the dead latents' term, its gradients and Adam step equal the f64 reference", () =>
    oneStepMatchesReference('topk', 12, 6, 10, 205, { k: 3, auxK: 2, auxKCoefficient: 0.5 }, undefined, every(10, 3)));
  it('TopK + AuxK with k_aux above the dead count (all dead latents used)', () =>
    oneStepMatchesReference('topk', 16, 6, 12, 206, { k: 2, auxK: 5, auxKCoefficient: 0.25 }, undefined, every(12, 4)));
  it('TopK + AuxK over three row chunks (the batch-wide normaliser from a forward pre-pass)', () =>
    oneStepMatchesReference('topk', 150, 7, 13, 207, { k: 4, auxK: 3, auxKCoefficient: 1 / 32 }, 64, every(13, 2)));
  it('JumpReLU: L0 term, the straight-through ∂/∂log θ, gradients and Adam step equal the f64 reference', () =>
    oneStepMatchesReference('jumprelu', 12, 6, 10, 213, { sparsity: 0.3, bandwidth: 0.6 }));
  it('JumpReLU over three row chunks', () =>
    oneStepMatchesReference('jumprelu', 150, 7, 13, 214, { sparsity: 0.2, bandwidth: 0.5 }, 64));
  it('BatchTopK: k·B activations over the whole batch, its gradients, Adam step and first θ equal the f64 reference', () =>
    oneStepMatchesReference('batchtopk', 12, 6, 10, 209, { k: 3 }));
  it('BatchTopK over three row chunks (the threshold found across all chunks)', () =>
    oneStepMatchesReference('batchtopk', 150, 7, 13, 210, { k: 4 }, 64));
  it('BatchTopK + AuxK on dead latents', () =>
    oneStepMatchesReference(
      'batchtopk',
      16,
      6,
      12,
      211,
      { k: 2, auxK: 3, auxKCoefficient: 0.5 },
      undefined,
      every(12, 3),
    ));
  it('BatchTopK + AuxK over three row chunks', () =>
    oneStepMatchesReference('batchtopk', 150, 7, 13, 212, { k: 3, auxK: 3, auxKCoefficient: 0.25 }, 64, every(13, 2)));
  it('TopK + AuxK with k_aux over 1,024 (row lists read from storage, not workgroup memory)', () =>
    oneStepMatchesReference(
      'topk',
      4,
      5,
      1100,
      208,
      { k: 3, auxK: 1050, auxKCoefficient: 0.5 },
      undefined,
      Uint8Array.from({ length: 1100 }, (_, i) => (i < 1080 ? 1 : 0)),
    ));

  for (const [arch, hyper] of [
    ['relu', { sparsity: 0.5, gradClip: 0.2 }],
    ['jumprelu', { sparsity: 0.3, bandwidth: 0.6, gradClip: 0.5 }],
    ['topk', { k: 3 }],
    ['batchtopk', { k: 3 }],
  ] as const) {
    const isDense = arch === 'relu' || arch === 'jumprelu';
    it(`${arch}: three steps (live ${isDense ? 'lr/λ changes, clipping' : 'lr/k/batch-size changes'}) equal the tfjs trainer from the same init`, async () => {
      const B = 16,
        d = 6,
        m = 10;
      const { init, x } = problem(arch, 300, 2 * B, d, m);
      const shape = { architecture: arch as SaeArchitecture, dIn: d, dSae: m };
      const w = new WgslSaeTrainer(device, shape, init),
        t = new TfjsSaeTrainer(shape, init);
      const plan: Array<[number, Partial<SaeHyper>]> = [
        [B, {}],
        [B, { lr: 5e-3, sparsity: 0.8 }],
        isDense ? [B, { sparsity: 0.3 }] : [2 * B - 3, { k: 4 }],
      ];
      for (const [rows, change] of plan) {
        const h = { ...H, ...hyper, ...change };
        const [a, b] = [await w.step(x, rows, h), await t.step(x, rows, h)];
        expect(a.loss).toBeCloseTo(b.loss, 4);
        // Both report (and clip) the norm of what Adam sees: TopK's decoder gradient without its parallel part.
        expect(a.gradNorm).toBeCloseTo(b.gradNorm, 4);
        expect(a.sums.l0).toBe(b.sums.l0);
        expect(Array.from(a.sums.fires)).toEqual(Array.from(b.sums.fires));
        expect(a.sums.sumCos).toBeCloseTo(b.sums.sumCos, 3);
      }
      const [pw, pt] = [await w.read(), await t.read()];
      for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const)
        expectClose(pw[key], pt[key], 2e-4, `${arch} ${key}`);
      // Evaluation and encoding (BatchTopK at its θ, on the WGSL threshold gate) agree with the tfjs trainer's own.
      const [ew, et] = [await w.evaluate(x, 2 * B, 3), await t.evaluate(x, 2 * B, 3)];
      expect(Math.abs(ew.sqErr - et.sqErr) / et.sqErr).toBeLessThan(1e-5);
      expect(ew.l0).toBe(et.l0);
      expectClose(await w.encode(x, 2 * B, 3), await t.encode(x, 2 * B, 3), 2e-4, 'codes');
      w.dispose();
      t.dispose();
    });
  }

  it('TopK with AuxK stays on WGSL and matches the tfjs trainer step for step, dead latents changing', async () => {
    const B = 12,
      d = 6,
      m = 10;
    const { init, x } = problem('topk', 400, B, d, m);
    const shape = { architecture: 'topk' as const, dIn: d, dSae: m };
    const w = new WgslSaeTrainer(device, shape, init),
      t = new TfjsSaeTrainer(shape, init);
    const h = { ...H, k: 3, auxK: 2, auxKCoefficient: 0.5 };
    const masks = [
      new Uint8Array(m),
      ...[3, 2, 4].map((n) => Uint8Array.from({ length: m }, (_, i) => (i % n === 0 ? 1 : 0))),
    ];
    for (const dead of masks) {
      const [a, b] = [await w.step(x, B, h, dead), await t.step(x, B, h, dead)];
      if (dead.some((v) => v)) expect(a.aux).toBeGreaterThan(0);
      else expect(a.aux).toBe(0);
      // f32 on both sides, summed in different orders: relative agreement to 1e-5.
      expect(Math.abs(a.aux - b.aux)).toBeLessThanOrEqual(1e-5 * Math.max(1, b.aux));
      expect(Math.abs(a.mse - b.mse)).toBeLessThanOrEqual(1e-5 * Math.max(1, b.mse));
    }
    expect(w.implementation).toBe('wgsl');
    expect(w.steps).toBe(masks.length);
    const [pw, pt] = [await w.read(), await t.read()];
    for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const) expectClose(pw[key], pt[key], 2e-4, `auxk ${key}`);
    w.dispose();
    t.dispose();
  });

  it("the SAE job trains on the WGSL engine's kernels", async () => {
    const store = await storeWith('diabetes_X.npy');
    let implementation = '';
    const config = {
      ...DEFAULT_SAE_CONFIG,
      architecture: 'topk' as const,
      dSae: 16,
      k: 3,
      batchSize: 32,
      steps: 4,
      evalEvery: 2,
      seed: 3,
    };
    const r = (await runSaeTrainJob(
      { engine: started.engine },
      store,
      { activations: { fileId: 'diabetes_X.npy', key: '' }, transform: 'none', config },
      {
        onStart: (i) => {
          implementation = i.implementation;
        },
        onProgress: () => {},
        isCancelled: () => false,
      },
    ))!;
    expect(implementation).toBe('wgsl');
    expect(r.implementation).toBe('wgsl');
    expect(r.steps).toBe(4);
    expect(r.test.fvu!).toBeGreaterThan(0);
    expect(Number.isFinite(r.test.mse!)).toBe(true);
  });
});

describe('WGSL SAE trainer steps against f64 (Dawn)', () => {
  const make = (): MakeTrainer => (shape, init) => new WgslSaeTrainer(device, shape, init);
  clipCases(make);
  batchThresholdCase(make);
  offsetFvuCase(make);
  it('BatchTopK inference stays on the WGSL kernels', async () => {
    const { init, x } = problem('batchtopk', 610, 16, 6, 10);
    const t = new WgslSaeTrainer(device, { architecture: 'batchtopk', dIn: 6, dSae: 10 }, init);
    await t.step(x, 16, { ...H, k: 3 });
    device.pushErrorScope('validation');
    await t.evaluate(x, 16, 3);
    expect((await device.popErrorScope())?.message ?? null).toBeNull();
    expect(t.implementation).toBe('wgsl');
    expect((await t.exportState()).batchThreshold).not.toBeNull();
    t.dispose();
  });
});

describe('ReLU + L1 on its sparse path (every positive code as an entry)', () => {
  it('picks the sparse step once codes average at most m/32 per row, with hysteresis, and dense otherwise', () => {
    expect(reluSparseCapacity(null, 0, 16384)).toBe(0);
    expect(reluSparseCapacity(600, 0, 16384)).toBe(0); // 1,208 > m/16
    expect(reluSparseCapacity(60, 0, 16384)).toBe(128);
    expect(reluSparseCapacity(3, 0, 16384)).toBe(16);
    expect(reluSparseCapacity(40, 128, 16384)).toBe(128); // still fits, not 4× too big: kept
    expect(reluSparseCapacity(10, 128, 16384)).toBe(32); // 28·4 ≤ 128: shrinks
    expect(reluSparseCapacity(70, 128, 16384)).toBe(256); // 148 > 128: grows
  });

  it('one sparse step equals the f64 reference (L1 terms in the sparse backward), over one and three chunks', async () => {
    for (const [B, d, m, seed, chunk] of [
      [12, 6, 10, 215, undefined],
      [150, 7, 13, 216, 64],
    ] as const) {
      const { init, x } = problem('relu', seed, B, d, m);
      const h = { ...H, sparsity: 0.6 };
      const t = new WgslSaeTrainer(device, { architecture: 'relu', dIn: d, dSae: m }, init, {
        maxChunkRows: chunk,
        reluPath: { entriesPerRow: m },
      });
      const r = await t.step(x, B, h);
      expect(t.sparseSteps).toBe(1);
      const grads = await t.gradients();
      const want = referenceSae(init, x, B, d, m, { architecture: 'relu', lambda: h.sparsity });
      expect(r.mse).toBeCloseTo(want.mse, 4);
      expect(r.aux).toBeCloseTo(want.aux, 4);
      for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const)
        expectClose(grads[key], want.grads[key], 2e-4, `sparse relu grad ${key}`);
      let l0 = 0;
      for (const v of want.f) if (v > 0) l0++;
      expect(r.sums.l0).toBe(l0);
      t.dispose();
    }
  });

  it('a batch with more codes than the capacity is redone densely, applied once, and equals the dense trainer', async () => {
    const B = 12,
      d = 6,
      m = 10;
    const { init, x } = problem('relu', 217, B, d, m);
    const h = { ...H, sparsity: 0.6 };
    const small = new WgslSaeTrainer(device, { architecture: 'relu', dIn: d, dSae: m }, init, {
      reluPath: { entriesPerRow: 1 },
    });
    const denseT = new WgslSaeTrainer(device, { architecture: 'relu', dIn: d, dSae: m }, init, { reluPath: 'dense' });
    const [a, b] = [await small.step(x, B, h), await denseT.step(x, B, h)];
    expect(small.sparseSteps).toBe(0);
    expect(small.steps).toBe(1);
    expect(a.loss).toBeCloseTo(b.loss, 5);
    const [pa, pb] = [await small.read(), await denseT.read()];
    for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const) expectClose(pa[key], pb[key], 1e-6, `redone ${key}`);
    small.dispose();
    denseT.dispose();
  });

  it('auto: trains densely first, then sparsely once the codes are sparse, matching the dense trainer', async () => {
    const B = 32,
      d = 6,
      m = 256;
    const { init, x } = problem('relu', 218, B, d, m);
    // A negative encoder bias makes codes sparse from the start (a few of 256 per row).
    const sparseInit = { ...init, bEnc: init.bEnc.map(() => -3) };
    const h = { ...H, sparsity: 0.3 };
    const auto = new WgslSaeTrainer(device, { architecture: 'relu', dIn: d, dSae: m }, sparseInit);
    const denseT = new WgslSaeTrainer(device, { architecture: 'relu', dIn: d, dSae: m }, sparseInit, {
      reluPath: 'dense',
    });
    for (let i = 0; i < 3; i++) {
      const [a, b] = [await auto.step(x, B, h), await denseT.step(x, B, h)];
      expect(a.sums.l0).toBe(b.sums.l0);
      expect(a.sums.l0).toBeGreaterThan(0);
      expect(Math.abs(a.loss - b.loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, b.loss));
    }
    expect(auto.sparseSteps).toBe(2);
    expect(auto.implementation).toBe('wgsl (sparse step for 2 of 3 steps)');
    const [pa, pb] = [await auto.read(), await denseT.read()];
    for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const) expectClose(pa[key], pb[key], 2e-4, `auto ${key}`);
    auto.dispose();
    denseT.dispose();
  });
});
