// WGSL SAE checkpoints on real WebGPU (Dawn): a trainer's exported state restores bit-exactly into a new
// trainer, and a run checkpointed at step s and resumed equals the uninterrupted run at the end (ReLU, TopK,
// TopK with AuxK working on dead latents, BatchTopK whose EMA threshold and JumpReLU whose log θ the
// checkpoint carries).
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type SaeCheckpoint } from '../../../src/core/sae/checkpoint';
import { DEFAULT_SAE_CONFIG, type SaeConfig } from '../../../src/core/sae/config';
import { createEngine, type StartedEngine } from '../../../src/engine/create-engine';
import { WgslSaeTrainer } from '../../../src/engine/wgsl/sae-trainer';
import { runSaeTrainJob, SaeJobControl } from '../../../src/jobs/sae-job';
import { expectClose, HYPER, problem } from '../../support/sae-grad-cases';
import { storeWith } from '../../support/store-helpers';
import type { SaeTrainSpec } from '../../../src/protocol';

let started: StartedEngine;
let device: GPUDevice;
beforeAll(async () => {
  started = await createEngine('webgpu');
  device = started.gpu!.device;
});

const FILE = 'diabetes_X.npy';
const tiny = (over: Partial<SaeConfig>): SaeConfig => ({
  ...DEFAULT_SAE_CONFIG,
  architecture: 'topk',
  dSae: 16,
  k: 3,
  batchSize: 32,
  steps: 10,
  evalEvery: 100,
  seed: 5,
  lrWarmupSteps: 2,
  sparsityWarmupSteps: 3,
  ...over,
});

async function train(config: SaeConfig, resume?: SaeCheckpoint) {
  const store = await storeWith(FILE);
  const checkpoints: SaeCheckpoint[] = [];
  let implementation = '';
  const spec: SaeTrainSpec = {
    activations: { fileId: FILE, key: '' },
    transform: 'none',
    config,
    checkpoint: { everySteps: 4, everyMs: 1e12 },
  };
  device.pushErrorScope('validation');
  const result = await runSaeTrainJob(
    { engine: started.engine, resume },
    store,
    spec,
    {
      onStart: (i) => {
        implementation = i.implementation;
      },
      onProgress: () => {},
      isCancelled: () => false,
      onCheckpoint: (c) => checkpoints.push(c),
    },
    new SaeJobControl(config),
  );
  expect((await device.popErrorScope())?.message ?? null).toBeNull();
  return { result: result!, checkpoints, implementation };
}

describe('WGSL trainer state', () => {
  it('exported state restores bit-exactly into a new trainer, and the next step matches within f32', async () => {
    const { init, x } = problem('topk', 301, 24, 6, 10);
    const shape = { architecture: 'topk' as const, dIn: 6, dSae: 10 };
    const h = { ...HYPER, lr: 1e-2, eps: 1e-3, auxKCoefficient: 0, k: 3 };
    const a = new WgslSaeTrainer(device, shape, init);
    await a.step(x, 24, h);
    await a.step(x, 24, h);
    const s = await a.exportState();
    expect(s.trainer).toBe('wgsl');
    expect(s.t).toBe(2);
    const [wEnc, bEnc, wDec, bDec] = s.params;
    const b = new WgslSaeTrainer(device, shape, { wEnc, bEnc, wDec, bDec }, { resume: s });
    const back = await b.exportState();
    for (const k of ['params', 'adamM', 'adamV'] as const)
      back[k].forEach((arr, i) => expect(Array.from(arr)).toEqual(Array.from(s[k][i])));
    await a.step(x, 24, h);
    await b.step(x, 24, h);
    const [pa, pb] = [await a.read(), await b.read()];
    // The step itself is not bit-reproducible on the device (reductions may reorder), so the next step is compared in f32.
    for (const k of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const) expectClose(pb[k], pa[k], 1e-6, `next step ${k}`);
    a.dispose();
    b.dispose();
  });
});

describe('a resumed WGSL run equals the uninterrupted one', () => {
  const cases: Array<[string, Partial<SaeConfig>, string]> = [
    ['ReLU + L1', { architecture: 'relu', sparsityCoefficient: 0.5 }, 'wgsl'],
    ['TopK without AuxK', { auxKCoefficient: 0 }, 'wgsl'],
    ['TopK with AuxK on dead latents', { deadWindowTokens: 32 }, 'wgsl'],
    [
      'BatchTopK with AuxK (θ restored from the checkpoint)',
      { architecture: 'batchtopk', deadWindowTokens: 32, thresholdStartStep: 1 },
      'wgsl',
    ],
    [
      'JumpReLU (log θ and its Adam moments in the checkpoint)',
      { architecture: 'jumprelu', sparsityCoefficient: 0.05, jumpReluInitThreshold: 0.05 },
      'wgsl',
    ],
  ];
  for (const [name, over, impl] of cases) {
    it(`${name}: checkpoint at step 4, resume, same weights at step 10`, async () => {
      const full = await train(tiny(over));
      expect(full.result.implementation).toBe(impl);
      const at4 = decodeCheckpoint(encodeCheckpoint(full.checkpoints[0]));
      expect(at4.loop.step).toBe(4);
      if (over.architecture === 'batchtopk') expect(at4.trainer.batchThreshold).toBeGreaterThan(0);
      const resumed = await train(tiny(over), at4);
      expect(resumed.result.steps).toBe(10);
      // Exact where the kernels are deterministic; f32 tolerance otherwise (atomics could reorder sums).
      for (const k of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const)
        expectClose(resumed.result.weights[k], full.result.weights[k], 1e-6, `${name} ${k}`);
      if (over.architecture === 'batchtopk' || over.architecture === 'jumprelu') {
        expect(full.result.weights.threshold![0]).toBeGreaterThan(0);
        expectClose(resumed.result.weights.threshold!, full.result.weights.threshold!, 1e-6, `${name} θ`);
      }
      const exact = (['wEnc', 'bEnc', 'wDec', 'bDec'] as const).every((k) =>
        resumed.result.weights[k].every((v, i) => v === full.result.weights[k][i]),
      );
      console.info(
        `${name}: resumed run ${exact ? 'bit-identical' : 'within 1e-6'} (implementation ${resumed.implementation})`,
      );
    });
  }
});
