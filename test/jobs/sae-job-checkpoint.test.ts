// SAE checkpoints on the CPU backend: a run checkpointed (or paused) at step s and resumed equals the
// uninterrupted run at the end, bit for bit, for every architecture; the format round-trips bit-exactly; a
// corrupted, truncated or foreign checkpoint is refused with a message that says so.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkpointStep, decodeCheckpoint, encodeCheckpoint, type SaeCheckpoint } from '../../src/core/sae/checkpoint';
import { DEFAULT_SAE_CONFIG, type SaeArchitecture, type SaeConfig } from '../../src/core/sae/config';
import { TfjsEngine } from '../../src/engine/tfjs/tfjs-engine';
import { runSaeTrainJob, SaeJobControl } from '../../src/jobs/sae-job';
import { storeWith } from '../support/store-helpers';
import type { DatasetStore } from '../../src/jobs/dataset-store';
import { SAE_PROGRESS_FIELDS, type SaeTrainSpec } from '../../src/protocol';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const engine = new TfjsEngine({ backend: 'cpu', implementation: 'tfjs-cpu', adapter: '', precision: 'f32' });
const FILE = 'planted_acts.npy';
// A small dead window so the tracker (and AuxK) is part of the state a resume has to carry, and a short θ warm-up
// so BatchTopK's threshold is too.
const tiny = (architecture: SaeArchitecture): SaeConfig => ({
  ...DEFAULT_SAE_CONFIG,
  architecture,
  dSae: 32,
  k: 4,
  batchSize: 32,
  steps: 12,
  evalEvery: 100,
  seed: 7,
  deadWindowTokens: 64,
  thresholdStartStep: 2,
  sparsityWarmupSteps: 4,
  lrWarmupSteps: 3,
  heldOutFraction: 0.05,
});
const spec = (config: SaeConfig, extra: Partial<SaeTrainSpec> = {}): SaeTrainSpec => ({
  activations: { fileId: FILE, key: '' },
  transform: 'none',
  config,
  checkpoint: { everySteps: 5, everyMs: 1e12 },
  ...extra,
});

let store: DatasetStore;
beforeAll(async () => {
  store = await storeWith(FILE);
});

async function train(s: SaeTrainSpec, opts: { resume?: SaeCheckpoint; pauseAfter?: number } = {}) {
  const checkpoints: Array<{ c: SaeCheckpoint; why: string }> = [];
  const steps: number[] = [];
  const control = new SaeJobControl(s.config);
  const result = await runSaeTrainJob(
    { engine, resume: opts.resume },
    store,
    s,
    {
      onStart: () => {},
      isCancelled: () => false,
      onProgress: (p) => {
        steps.push(p[SAE_PROGRESS_FIELDS.indexOf('step')]);
        if (steps.length === opts.pauseAfter) control.pause();
      },
      onCheckpoint: (c, why) => checkpoints.push({ c, why }),
    },
    control,
  );
  return { result, checkpoints, steps };
}

describe('a resumed SAE run equals the uninterrupted one', () => {
  for (const arch of ['topk', 'relu', 'batchtopk', 'jumprelu'] as const) {
    it(`${arch}: checkpoint at step 5, resume, same weights at step 12`, async () => {
      const full = await train(spec(tiny(arch)));
      expect(full.checkpoints.map((c) => c.c.loop.step)).toEqual([5, 10]);
      // Through the binary format, as the worker and the page hand it on.
      const at5 = decodeCheckpoint(encodeCheckpoint(full.checkpoints[0].c));
      if (arch === 'batchtopk') expect(at5.trainer.batchThreshold).toBeGreaterThan(0);
      const resumed = await train(spec(tiny(arch)), { resume: at5 });
      expect(resumed.steps[0]).toBe(5);
      expect(resumed.steps.at(-1)).toBe(11);
      const a = full.result!.weights,
        b = resumed.result!.weights;
      for (const k of ['wEnc', 'bEnc', 'wDec', 'bDec', 'threshold'] as const) {
        expect(b[k] === undefined).toBe(a[k] === undefined);
        if (a[k]) expect(Array.from(b[k]!)).toEqual(Array.from(a[k]!));
      }
      expect(resumed.result!.test.fvu).toBe(full.result!.test.fvu);
    });
  }

  it('pause checkpoints before the next step and stops; resuming from spec.resumeFrom finishes the same run', async () => {
    const full = await train(spec(tiny('topk')));
    const paused = await train(spec(tiny('topk')), { pauseAfter: 7 });
    expect(paused.result).toBeNull();
    const last = paused.checkpoints.at(-1)!;
    expect(last.why).toBe('pause');
    expect(last.c.loop.step).toBe(7);
    const bytes = encodeCheckpoint(last.c);
    expect(checkpointStep(bytes)).toBe(7);
    const resumed = await train(spec(last.c.config, { resumeFrom: bytes }));
    expect(Array.from(resumed.result!.weights.wDec)).toEqual(Array.from(full.result!.weights.wDec));
  });

  it('a checkpoint of other data or another shape is refused', async () => {
    const { checkpoints } = await train(spec({ ...tiny('topk'), steps: 6 }));
    const c = checkpoints[0].c;
    await expect(train(spec({ ...tiny('topk'), dSae: 64 }), { resume: c })).rejects.toThrow(
      /different run or data.*d_sae 32 vs topk d_sae 64/,
    );
    await expect(train(spec(tiny('topk'), { transform: 'shuffle-columns' }), { resume: c })).rejects.toThrow(
      /transform none vs shuffle-columns/,
    );
  });
});

describe('checkpoint format', () => {
  let c: SaeCheckpoint;
  beforeAll(async () => {
    c = (await train(spec({ ...tiny('jumprelu'), steps: 6 }))).checkpoints[0].c;
  });

  it('round-trips bit-exactly: every array, counter, RNG state and the config', () => {
    const bytes = encodeCheckpoint(c);
    const back = decodeCheckpoint(bytes);
    expect(new Uint8Array(encodeCheckpoint(back))).toEqual(new Uint8Array(bytes));
    expect(back.config).toEqual(c.config);
    expect(back.loop.rngState).toBe(c.loop.rngState);
    expect(back.trainer.t).toBe(5);
    expect(back.trainer.params).toHaveLength(5);
    back.trainer.params.forEach((p, i) =>
      expect(new Uint8Array(p.buffer)).toEqual(new Uint8Array(c.trainer.params[i].slice().buffer)),
    );
    expect(Array.from(back.loop.order)).toEqual(Array.from(c.loop.order));
    expect(Array.from(back.loop.sinceFired)).toEqual(Array.from(c.loop.sinceFired));
  });

  it('a version 1 checkpoint resumes under the rules it was started with; a newer version is refused', async () => {
    const { checkpoints, result } = await train(spec({ ...tiny('batchtopk'), steps: 8, deadWindowTokens: null }));
    const now = checkpoints[0].c;
    const { deadWindowTokens, thresholdStartStep, ...rest } = now.config;
    expect([deadWindowTokens, thresholdStartStep]).toEqual([null, 2]);
    const v1 = { ...now, version: 1, config: { ...rest, deadWindowRows: null } as unknown as SaeConfig };
    const back = decodeCheckpoint(encodeCheckpoint(v1));
    // Version 1 fed θ from the first step, and a null window meant one pass over the training rows.
    expect(back.config.thresholdStartStep).toBe(0);
    expect(back.config.deadWindowTokens).toBe(result!.trainRows);
    expect(back.config).not.toHaveProperty('deadWindowRows');
    const resumed = await train(spec(back.config), { resume: back });
    expect(resumed.steps[0]).toBe(5);
    expect(() => decodeCheckpoint(encodeCheckpoint({ ...now, version: 3 }))).toThrow(
      /invalid SAE checkpoint: version 3, this build reads versions 1 to 2/,
    );
  });

  it('a flipped bit is refused by the checksum', () => {
    const bytes = encodeCheckpoint(c);
    new Uint8Array(bytes)[bytes.byteLength >> 1] ^= 0x10;
    expect(() => decodeCheckpoint(bytes)).toThrow(
      /invalid SAE checkpoint: checksum mismatch .* corrupted or truncated/,
    );
  });

  it('a truncated checkpoint, and a file that is not one, are refused', () => {
    const bytes = encodeCheckpoint(c);
    expect(() => decodeCheckpoint(bytes.slice(0, bytes.byteLength - 100))).toThrow(/checksum mismatch/);
    expect(() => decodeCheckpoint(new TextEncoder().encode('{"not": "a checkpoint"}').buffer as ArrayBuffer)).toThrow(
      /not a Probelab SAE checkpoint/,
    );
    expect(() => decodeCheckpoint(new ArrayBuffer(4))).toThrow(/too short/);
  });
});
