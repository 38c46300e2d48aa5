// The WGSL kernels on Chromium's own WebGPU (its Dawn and shader compiler, not the npm package's): every SAE
// architecture's step equals the f64 reference, and the engine's many-class objective, centred moments and kNN
// equal the tfjs engine on the same device, with X split over several buffers. Tiny shapes: SwiftShader.
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { referenceSae, removeParallelComponent } from '../../../src/core/sae/reference';
import type { SaeArchitecture } from '../../../src/core/sae/config';
import { WgslSaeTrainer, type WgslSaeOptions } from '../../../src/engine/wgsl/sae-trainer';
import type { SaeHyper } from '../../../src/core/engine/sae-trainer';
import { expectClose, HYPER, problem, randn } from '../../support/sae-grad-cases';
import { createRng } from '../../../src/core/math/rng';

let device: GPUDevice;
let wgsl: Engine;
let tfjs: Engine;
beforeAll(async () => {
  const started = await createEngine('webgpu', { wgsl: { maxChunkBytes: 1024 } });
  device = started.gpu!.device;
  wgsl = started.engine;
  tfjs = (await createEngine('tfjs-webgpu')).engine;
});

const cases: Array<[string, SaeArchitecture, Partial<SaeHyper>, WgslSaeOptions, number[] | undefined]> = [
  ['ReLU + L1 on its sparse step', 'relu', { sparsity: 0.6 }, { reluPath: { entriesPerRow: 10 } }, undefined],
  ['JumpReLU', 'jumprelu', { sparsity: 0.3, bandwidth: 0.6 }, {}, undefined],
  ['TopK + AuxK', 'topk', { k: 3, auxK: 2, auxKCoefficient: 0.5 }, {}, [0, 3, 6, 9]],
  [
    'BatchTopK + AuxK over two chunks',
    'batchtopk',
    { k: 2, auxK: 2, auxKCoefficient: 0.5 },
    { maxChunkRows: 64 },
    [1, 4, 7],
  ],
];

describe('SAE steps on Chromium WebGPU equal the f64 reference', () => {
  for (const [name, arch, hyper, opts, deadList] of cases) {
    test(name, async () => {
      const B = opts.maxChunkRows ? 100 : 12,
        d = 6,
        m = 10;
      const { init, x } = problem(arch, 300 + name.length, B, d, m);
      const h = { ...HYPER, lr: 1e-2, eps: 1e-3, auxKCoefficient: 0, ...hyper };
      const dead = deadList && Uint8Array.from({ length: m }, (_, i) => (deadList.includes(i) ? 1 : 0));
      const t = new WgslSaeTrainer(device, { architecture: arch, dIn: d, dSae: m }, init, opts);
      device.pushErrorScope('validation');
      const r = await t.step(x, B, h, dead);
      const grads = await t.gradients();
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
      expect(r.finite).toBe(true);
      expect(r.mse).toBeCloseTo(want.mse, 4);
      expect(r.aux).toBeCloseTo(want.aux, 4);
      if (dead) expect(want.aux).toBeGreaterThan(0);
      const unit = arch === 'topk' || arch === 'batchtopk';
      const wantDec = unit ? removeParallelComponent(want.grads.wDec, init.wDec, m, d) : want.grads.wDec;
      for (const key of ['wEnc', 'bEnc', 'bDec'] as const)
        expectClose(grads[key], want.grads[key], 2e-4, `${name} grad ${key}`);
      expectClose(grads.wDec, wantDec, 2e-4, `${name} grad wDec`);
      if (arch === 'jumprelu') expectClose(grads.logTheta!, want.grads.logThreshold!, 2e-4, `${name} grad log θ`);
      if (arch === 'relu') expect(t.sparseSteps).toBe(1);
      t.dispose();
    });
  }
});

describe('engine workloads on Chromium WebGPU equal tfjs on the same device', () => {
  const rows = 90,
    cols = 5;
  const x = randn(rows * cols, createRng(11));

  test('a 17-class objective (matmul path)', async () => {
    const K = 17,
      params = randn(cols * K + K, createRng(12), 0.5);
    const targets = Int32Array.from({ length: rows }, (_, i) => (i * 7) % K);
    const [a, b] = [wgsl.uploadMatrix(x, rows, cols), tfjs.uploadMatrix(x, rows, cols)];
    const [oa, ob] = [wgsl.linearObjective(a, targets, K), tfjs.linearObjective(b, targets, K)];
    const [got, want] = [await oa.evaluate(params), await ob.evaluate(params)];
    expect(got.loss / want.loss).toBeCloseTo(1, 5);
    expectClose(got.grad, want.grad, 1e-5, 'gradient');
    oa.dispose();
    ob.dispose();
    a.dispose();
    b.dispose();
  });

  test('centred moments and kNN distances', async () => {
    const mean = Float64Array.from({ length: cols }, (_, j) => 0.1 * j);
    const M = Float64Array.from({ length: cols * cols }, (_, i) => (i % (cols + 1) === 0 ? 2 : 0.1));
    const [a, b] = [wgsl.uploadMatrix(x, rows, cols), tfjs.uploadMatrix(x, rows, cols)];
    const [ga, gb] = [await wgsl.centredGram(a, mean), await tfjs.centredGram(b, mean)];
    expectClose(ga.scatter, gb.scatter, 1e-5, 'scatter');
    expectClose(
      await wgsl.rowQuadraticForm(a, mean, M),
      await tfjs.rowQuadraticForm(b, mean, M),
      1e-5,
      'quadratic form',
    );
    const ids = Int32Array.from({ length: rows }, (_, i) => i);
    const opts = { excludeSelf: { trustedIds: ids, queryIds: ids } };
    expectClose(await wgsl.knnCosine(a, a, 3, opts), await tfjs.knnCosine(b, b, 3, opts), 1e-5, 'kNN distances');
    a.dispose();
    b.dispose();
  });
});
