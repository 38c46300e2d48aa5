// The SAE jobs end to end on the CPU backend: real activations (lande) with texts and labels in the feature
// browser, the shuffle control, live edits, divergence, memory, and an exported dictionary evaluated back.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesSource } from '../../src/core/formats/byte-source';
import { createRng, normal } from '../../src/core/math/rng';
import { DEFAULT_SAE_CONFIG, type SaeConfig } from '../../src/core/sae/config';
import { readSae } from '../../src/core/sae/import/import-sae';
import { TfjsEngine } from '../../src/engine/tfjs/tfjs-engine';
import { TfjsSaeTrainer } from '../../src/engine/tfjs/sae/trainer';
import { runSaeEvalJob, runSaeTrainJob, SaeJobControl } from '../../src/jobs/sae-job';
import { makeSplit } from '../../src/core/split/split';
import { HYPER, problem, referenceInference } from '../support/sae-grad-cases';
import { auxKEngagesCase, sparseFeatureRows, trainOn } from '../support/sae-data';
import { storeWith } from '../support/store-helpers';
import { SAE_PROGRESS_FIELDS, type SaeTrainSpec } from '../../src/protocol';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const engine = new TfjsEngine({ backend: 'cpu', implementation: 'tfjs-cpu', adapter: '', precision: 'f32' });
const quiet = { onStart: () => {}, onProgress: () => {}, isCancelled: () => false };
const small: SaeConfig = {
  ...DEFAULT_SAE_CONFIG,
  architecture: 'topk',
  dSae: 128,
  k: 8,
  batchSize: 128,
  steps: 30,
  evalEvery: 10,
  seed: 1,
};

describe('SAE train job on lande activations', () => {
  it('reports held-out metrics, densities, and a feature browser with texts and language labels', async () => {
    const store = await storeWith('real/lande_hidden.npy', 'real/lande_meta.jsonl');
    const spec: SaeTrainSpec = {
      activations: { fileId: 'real/lande_hidden.npy', key: '' },
      transform: 'none',
      config: small,
      browser: {
        text: { fileId: 'real/lande_meta.jsonl', key: 'text' },
        labels: { fileId: 'real/lande_meta.jsonl', key: 'lang' },
        topN: 5,
      },
    };
    const r = (await runSaeTrainJob({ engine }, store, spec, quiet))!;
    expect(r.dIn).toBe(120);
    expect(r.trainRows + r.testRows).toBe(4000);
    expect(r.test.l0!).toBeLessThanOrEqual(8);
    expect(r.test.fvu!).toBeGreaterThan(0);
    expect(r.test.fvu!).toBeLessThan(1);
    expect(r.density.neverFired + r.density.counts.reduce((a, b) => a + b, 0) + r.density.under + r.density.over).toBe(
      128,
    );
    const f = r.features!;
    const latent = f.fires.indexOf(Math.max(...f.fires));
    const top = f.topRows[latent * f.topN];
    expect(f.rowText![top].length).toBeGreaterThan(0);
    expect(f.classes!.length).toBeGreaterThan(1);
    expect(f.purity![latent]).toBeGreaterThan(0);
    expect(JSON.parse(r.saeLens.cfgJson).metadata.normalization_scale_folded).toBe(r.scale);
  });

  it('the shuffle-each-dimension control is trained on the same shape and reported the same way', async () => {
    const store = await storeWith('real/lande_hidden.npy');
    const r = (await runSaeTrainJob(
      { engine },
      store,
      { activations: { fileId: 'real/lande_hidden.npy', key: '' }, transform: 'shuffle-columns', config: small },
      quiet,
    ))!;
    expect(r.liveLatents).toBeGreaterThan(0);
    expect(r.frequentLatents).toBeLessThanOrEqual(128);
  });

  it('live edits: an lr change continues from the next step; a dictionary-size change is refused for restart', async () => {
    const store = await storeWith('real/lande_hidden.npy');
    const control = new SaeJobControl({ ...small, steps: 12 });
    const lrs: number[] = [];
    const lrCol = SAE_PROGRESS_FIELDS.indexOf('lr');
    await runSaeTrainJob(
      { engine },
      store,
      { activations: { fileId: 'real/lande_hidden.npy', key: '' }, transform: 'none', config: control.config },
      {
        ...quiet,
        onProgress: (p) => {
          lrs.push(p[lrCol]);
          if (lrs.length === 5) {
            expect(control.update({ ...control.config, lr: 0.5, lrWarmupSteps: 0, lrDecayFraction: 0 })).toEqual({
              effect: 'continue',
            });
            expect(control.update({ ...control.config, dSae: 64 })).toEqual({ effect: 'restart', because: ['dSae'] });
          }
        },
      },
      control,
    );
    expect(lrs.slice(5)).toEqual(new Array(7).fill(0.5));
    expect(lrs[4]).not.toBe(0.5);
  });

  it('a diverging run stops, naming the step and the quantity', async () => {
    const store = await storeWith('real/lande_hidden.npy');
    const r = (await runSaeTrainJob(
      { engine },
      store,
      {
        activations: { fileId: 'real/lande_hidden.npy', key: '' },
        transform: 'none',
        config: { ...small, architecture: 'relu', lr: 1e30, lrWarmupSteps: 0, steps: 10 },
      },
      quiet,
    ))!;
    expect(r.stop.reason).toBe('diverged');
    if (r.stop.reason === 'diverged') {
      expect(r.stop.step).toBeGreaterThan(0);
      expect(r.stop.what).toMatch(/loss|gradient/);
    }
  });

  it('an exported dictionary evaluated back on the same held-out rows gives the trained run’s FVU and L0', async () => {
    const store = await storeWith('real/lande_hidden.npy');
    const act = { fileId: 'real/lande_hidden.npy', key: '' };
    const trained = (await runSaeTrainJob(
      { engine },
      store,
      { activations: act, transform: 'none', config: { ...small, architecture: 'relu', sparsityCoefficient: 1 } },
      quiet,
    ))!;
    const { weights } = await readSae([
      bytesSource('sae_weights.safetensors', trained.saeLens.safetensors),
      bytesSource('cfg.json', new TextEncoder().encode(trained.saeLens.cfgJson)),
    ]);
    const evaluated = (await runSaeEvalJob(
      { engine },
      store,
      { activations: act, dictionary: weights, heldOutFraction: small.heldOutFraction, seed: small.seed },
      quiet,
    ))!;
    expect(evaluated.testRows).toBe(trained.testRows);
    expect(evaluated.test.fvu!).toBeCloseTo(trained.test.fvu!, 4);
    expect(evaluated.test.l0!).toBeCloseTo(trained.test.l0!, 2);
    // MSE is in units of s·x during training and of raw x here.
    expect(evaluated.test.mse! * trained.scale ** 2).toBeCloseTo(trained.test.mse!, 2);
  });
});

describe('tfjs SAE trainer memory', () => {
  it('the tensor count does not grow across steps, evaluations and reads', async () => {
    for (const arch of ['relu', 'topk', 'batchtopk', 'jumprelu'] as const) {
      const { init, x } = problem(arch, 5, 16, 6, 10);
      const t = new TfjsSaeTrainer({ architecture: arch, dIn: 6, dSae: 10 }, init, { maxChunkRows: 7 });
      const dead = new Uint8Array(10).fill(1);
      await t.step(x, 16, HYPER, dead);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        await t.step(x, 16, { ...HYPER, gradClip: i === 1 ? 1e-3 : null }, dead);
        await t.evaluate(x, 16, 3);
        await t.encode(x, 16, 3);
        await t.read();
      }
      expect(tf.memory().numTensors, arch).toBe(before);
      t.dispose();
    }
  });
});

describe('SAE training conventions on generated sets', () => {
  auxKEngagesCase(() => engine, 600_000, 256, 40);
  it("BatchTopK: inference at θ reproduces the training batches' mean L0 within 5%, on held-out and training rows", async () => {
    const rows = 20_000,
      d = 16;
    const x = sparseFeatureRows(rows, d, 48, 3, 11);
    const config: SaeConfig = {
      ...DEFAULT_SAE_CONFIG,
      architecture: 'batchtopk',
      dSae: 32,
      k: 4,
      batchSize: 256,
      steps: 300,
      evalEvery: 1000,
      seed: 4,
    };
    const { result, points } = await trainOn(engine, x, rows, d, config);
    // θ starts after the warm-up (half of this run) and averages the cuts of the second half's batches.
    const late = points.slice(-config.steps / 2).map((p) => p.trainL0);
    const batchL0 = late.reduce((a, b) => a + b) / late.length;
    expect(batchL0).toBeGreaterThan(3.9);
    expect(Math.abs(result.test.l0! / batchL0 - 1), `held-out L0 ${result.test.l0} vs ${batchL0}`).toBeLessThan(0.05);
    expect(Math.abs(result.train.l0! / batchL0 - 1), `training L0 ${result.train.l0} vs ${batchL0}`).toBeLessThan(0.05);
  });

  it('b_dec starts at the mean of a random sample of training rows, and "train" metrics use one, on a file ordered by class', async () => {
    const rows = 100_000,
      d = 4;
    // Rows 0–49,999: a tight cluster at (−1, 0, 0, 0); rows 50,000–99,999: a wide one around (+1, 0, 0, 0).
    const r = createRng(13);
    const x = new Float32Array(rows * d);
    for (let b = 0; b < rows; b++) {
      const wide = b >= rows / 2;
      x[b * d] = (wide ? 1 : -1) + 0.05 * normal(r);
      for (let j = 1; j < d; j++) x[b * d + j] = (wide ? 1 : 0.05) * normal(r);
    }
    const config: SaeConfig = {
      ...DEFAULT_SAE_CONFIG,
      architecture: 'topk',
      dSae: 8,
      k: 1,
      lr: 1e-9,
      steps: 1,
      normalize: false,
      bDecInit: 'mean',
      seed: 6,
    };
    const { result } = await trainOn(engine, x, rows, d, config);
    const { train } = makeSplit(
      { kind: 'random', testFraction: config.heldOutFraction, seed: 6, stratify: false },
      rows,
    );
    const meanOf = (idx: ArrayLike<number>) => {
      let s = 0;
      for (let n = 0; n < idx.length; n++) s += x[idx[n] * d];
      return s / idx.length;
    };
    // The first 65,536 training rows are mostly the first cluster: their mean is far from the training mean.
    expect(Math.abs(meanOf(train.subarray(0, 65536)) - meanOf(train))).toBeGreaterThan(0.3);
    expect(Math.abs(result.weights.bDec[0] - meanOf(train))).toBeLessThan(0.03);
    // "train" metrics: within sampling error of the MSE over every training row (f64, the exported weights).
    const all = Float32Array.from({ length: train.length * d }, (_, n) => x[train[Math.floor(n / d)] * d + (n % d)]);
    const full = referenceInference(result.weights, all, train.length, d, 8, 'row-topk', 1).sums;
    const first = referenceInference(result.weights, all.subarray(0, 4096 * d), 4096, d, 8, 'row-topk', 1).sums;
    const fullMse = full.sqErr / full.rows;
    expect(Math.abs(first.sqErr / first.rows / fullMse - 1)).toBeGreaterThan(0.3);
    expect(result.train.rows).toBe(4096);
    expect(Math.abs(result.train.mse! / fullMse - 1)).toBeLessThan(0.1);
  });
});
