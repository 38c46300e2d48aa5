// The SAE training loop over any SaeTrainer: seeded minibatches streamed from host rows (only one batch is on
// the device at a time), schedules, dead-latent tracking, held-out evaluation beside every training metric,
// live config edits between steps, a divergence stop that names the step and keeps the last good weights, and
// checkpoints (every N steps or T ms, and on pause) from which a resumed loop draws the very same batches.
import type { SaeLoopState } from './checkpoint';
import { ResumableRng } from './checkpoint-rng';
import { rulesOf } from './architecture';
import {
  lrAt,
  resolvedAuxK,
  resolvedDeadWindowTokens,
  resolvedThresholdStart,
  sparsityAt,
  type SaeConfig,
} from './config';
import { DeadLatentTracker } from './dead-latents';
import { addSums, emptySums, finalizeSums, type MetricSums, type ReconstructionMetrics } from './metrics';
import type { SaeHyper, SaeTrainer, StepResult } from '../engine/sae-trainer';

export interface SaeData {
  /** Raw rows [rows, d] f32 (not normalised: `scale` is applied per batch, so no second copy exists). */
  x: Float32Array;
  d: number;
  train: Int32Array;
  test: Int32Array;
  /** Activation scale s (E‖s·x‖ = √d on training rows), 1 when normalisation is off. */
  scale: number;
}

export interface SaeStepReport {
  step: number;
  /** Training rows consumed so far. */
  rowsSeen: number;
  lr: number;
  sparsity: number;
  k: number;
  loss: number;
  aux: number;
  gradNorm: number;
  /** This step's batch, at the parameters before the update (normalised units). */
  train: ReconstructionMetrics;
  /** Held-out rows, on evaluation steps only. */
  test: ReconstructionMetrics | null;
  deadFraction: number;
  /** The dead-latent window in tokens (training rows). */
  deadWindowRows: number;
}

export type LoopStop =
  | { reason: 'done' | 'cancelled' }
  /** Stopped on request after a checkpoint: resume from it. */
  | { reason: 'paused'; step: number }
  | { reason: 'diverged'; step: number; what: string };

export interface LoopHooks {
  /** The config to use for the next step (live edits land here between steps). */
  config(): SaeConfig;
  cancelled(): boolean;
  onStep(report: SaeStepReport): void;
  /** Checkpoints: `save` gets the loop's position after `everySteps` steps or `everyMs` ms since the last one. */
  checkpoint?: {
    everySteps: number;
    everyMs: number;
    save(loop: SaeLoopState, why: 'periodic' | 'pause'): Promise<void>;
  };
  /** A pause request: the loop saves a checkpoint before the next step and stops with reason 'paused'. */
  paused?(): boolean;
}

export interface LoopResult {
  stop: LoopStop;
  steps: number;
  tracker: DeadLatentTracker;
  /** Sums of the last evaluation of all held-out rows. */
  test: MetricSums;
}

/** Held-out evaluation rows per device call: bounded so [rows, m] stays small. */
export function evalChunkRows(m: number): number {
  return Math.max(16, Math.min(2048, Math.floor(2 ** 24 / m)));
}

/** Copies rows (scaled) into `out`, row-major. */
export function gatherRows(
  data: SaeData,
  rows: ArrayLike<number>,
  from: number,
  count: number,
  out: Float32Array,
): void {
  const { x, d, scale } = data;
  for (let b = 0; b < count; b++) {
    const r = rows[from + b];
    for (let j = 0; j < d; j++) out[b * d + j] = x[r * d + j] * scale;
  }
}

/** Inference-mode sums over the given rows, in device-sized chunks. */
export async function evaluateRows(
  trainer: SaeTrainer,
  data: SaeData,
  rows: Int32Array,
  k: number,
  limit = Infinity,
): Promise<MetricSums> {
  const { d } = data;
  const m = trainer.shape.dSae;
  const n = Math.min(rows.length, limit);
  const per = evalChunkRows(m);
  const buf = new Float32Array(per * d);
  const total = emptySums(d, m);
  for (let r0 = 0; r0 < n; r0 += per) {
    const c = Math.min(per, n - r0);
    gatherRows(data, rows, r0, c, buf);
    addSums(total, await trainer.evaluate(buf.subarray(0, c * d), c, k));
  }
  return total;
}

export function hyperAt(c: SaeConfig, step: number, dIn: number): SaeHyper {
  return {
    lr: lrAt(c, step),
    beta1: c.beta1,
    beta2: c.beta2,
    eps: c.eps,
    sparsity: sparsityAt(c, step),
    k: c.k,
    auxK: resolvedAuxK(c, dIn),
    auxKCoefficient: c.auxKCoefficient,
    gradClip: c.gradClip,
    thresholdEmaBeta: c.thresholdEmaBeta,
    thresholdStartStep: resolvedThresholdStart(c),
    bandwidth: c.jumpReluBandwidth,
  };
}

/** Held-out rows evaluated at intermediate evaluation steps (all of them at the end): keeps evaluation cheap. */
export const EVAL_ROWS_DURING_TRAINING = 4096;

/**
 * A run's seeded stream of training rows: epochs of the training split shuffled by a mulberry32 seeded from the
 * run's seed (or resumed from a checkpoint's state, order and cursor), so every run with the same seed and split
 * draws the same batches; a sweep draws each batch once for all members that share it.
 */
export class BatchStream {
  readonly random: ResumableRng;
  readonly order: Int32Array;
  cursor: number;
  private batch = new Float32Array(0);

  constructor(
    readonly data: SaeData,
    seed: number,
    resume?: Pick<SaeLoopState, 'rngState' | 'order' | 'cursor'>,
  ) {
    this.random = new ResumableRng(resume ? resume.rngState : seed ^ 0x5ae);
    this.order = resume ? Int32Array.from(resume.order) : Int32Array.from(data.train);
    if (this.order.length !== data.train.length)
      throw new Error(
        `invalid checkpoint: its epoch order has ${this.order.length} rows, the training split ${data.train.length}`,
      );
    this.cursor = resume ? resume.cursor : this.order.length;
  }

  /** Rows a batch of `batchSize` holds (never more than one epoch). */
  rowsFor(batchSize: number): number {
    return Math.min(batchSize, this.order.length);
  }

  /** The next B rows, scaled, row-major; the returned array is reused by the next call. */
  next(B: number): Float32Array {
    const { d, x, scale } = this.data;
    const order = this.order;
    if (this.batch.length !== B * d) this.batch = new Float32Array(B * d);
    const batch = this.batch;
    for (let b = 0; b < B; b++) {
      if (this.cursor >= order.length) {
        shuffle(order, () => this.random.next());
        this.cursor = 0;
      }
      const r = order[this.cursor++];
      for (let j = 0; j < d; j++) batch[b * d + j] = x[r * d + j] * scale;
    }
    return batch;
  }
}

/** What a member's trainer.step gets at `step`: its hyperparameters and, where AuxK may run, the dead latents. */
export function stepInputs(
  trainer: SaeTrainer,
  data: SaeData,
  config: SaeConfig,
  step: number,
  tracker: DeadLatentTracker,
): { hyper: SaeHyper; dead: Uint8Array | undefined } {
  const needsDead = rulesOf(trainer.shape.architecture).auxK;
  return { hyper: hyperAt(config, step, data.d), dead: needsDead ? tracker.deadMask() : undefined };
}

/** One member's training step on a drawn batch: its report, or why it stopped (a non-finite loss or gradient). */
export async function trainStep(
  trainer: SaeTrainer,
  data: SaeData,
  config: SaeConfig,
  step: number,
  batch: Float32Array,
  B: number,
  tracker: DeadLatentTracker,
  rowsSeen: number,
): Promise<{ report: SaeStepReport; testSums: MetricSums | null } | { stop: LoopStop }> {
  const { hyper, dead } = stepInputs(trainer, data, config, step, tracker);
  const res = await trainer.step(batch, B, hyper, dead);
  return afterStep(trainer, data, config, step, B, tracker, rowsSeen, hyper, res);
}

/**
 * The rest of a training step once the trainer has stepped (alone, or in a group on the same batch): divergence,
 * dead latents, held-out evaluation when due, the report.
 */
export async function afterStep(
  trainer: SaeTrainer,
  data: SaeData,
  config: SaeConfig,
  step: number,
  B: number,
  tracker: DeadLatentTracker,
  rowsSeen: number,
  hyper: SaeHyper,
  res: StepResult,
): Promise<{ report: SaeStepReport; testSums: MetricSums | null } | { stop: LoopStop }> {
  if (!res.finite) {
    const what = !Number.isFinite(res.mse)
      ? 'reconstruction loss'
      : !Number.isFinite(res.aux)
        ? 'sparsity/auxiliary loss'
        : 'gradient norm';
    return {
      stop: {
        reason: 'diverged',
        step,
        what: `${what} is ${!Number.isFinite(res.mse) ? res.mse : !Number.isFinite(res.aux) ? res.aux : res.gradNorm}`,
      },
    };
  }
  tracker.update(res.sums.fires, B);
  const last = step === config.steps - 1;
  let testSums: MetricSums | null = null;
  if ((step + 1) % config.evalEvery === 0 || last)
    testSums = await evaluateRows(trainer, data, data.test, config.k, last ? Infinity : EVAL_ROWS_DURING_TRAINING);
  return {
    testSums,
    report: {
      step,
      rowsSeen: rowsSeen + B,
      lr: hyper.lr,
      sparsity: hyper.sparsity,
      k: config.k,
      loss: res.loss,
      aux: res.aux,
      gradNorm: res.gradNorm,
      train: finalizeSums(res.sums),
      test: testSums && finalizeSums(testSums),
      deadFraction: tracker.deadFraction(),
      deadWindowRows: tracker.window,
    },
  };
}

export async function trainLoop(
  trainer: SaeTrainer,
  data: SaeData,
  hooks: LoopHooks,
  resume?: SaeLoopState,
): Promise<LoopResult> {
  const { d, train } = data;
  const m = trainer.shape.dSae;
  let config = hooks.config();
  const tracker = new DeadLatentTracker(m, resolvedDeadWindowTokens(config, train.length));
  // Epoch order from the seed; a resumed run takes the RNG state, the epoch's order and the cursor from its
  // checkpoint, so it draws exactly the batches the uninterrupted run would have.
  const stream = new BatchStream(data, config.seed, resume);
  if (resume) tracker.sinceFired.set(resume.sinceFired);
  let rowsSeen = resume?.rowsSeen ?? 0;
  let stop: LoopStop = { reason: 'done' };
  let step = resume?.step ?? 0;
  let lastTest = emptySums(d, m);
  let savedStep = step,
    savedAt = performance.now();
  const snapshot = (): SaeLoopState => ({
    step,
    rowsSeen,
    rngState: stream.random.state,
    order: stream.order.slice(),
    cursor: stream.cursor,
    sinceFired: tracker.sinceFired.slice(),
  });
  for (; step < config.steps; step++) {
    if (hooks.paused?.() && hooks.checkpoint) {
      await hooks.checkpoint.save(snapshot(), 'pause');
      stop = { reason: 'paused', step };
      break;
    }
    if (hooks.cancelled()) {
      stop = { reason: 'cancelled' };
      break;
    }
    const ck = hooks.checkpoint;
    if (ck && step > savedStep && (step - savedStep >= ck.everySteps || performance.now() - savedAt >= ck.everyMs)) {
      await ck.save(snapshot(), 'periodic');
      savedStep = step;
      savedAt = performance.now();
    }
    config = hooks.config();
    tracker.window = resolvedDeadWindowTokens(config, train.length);
    const B = stream.rowsFor(config.batchSize);
    const r = await trainStep(trainer, data, config, step, stream.next(B), B, tracker, rowsSeen);
    if ('stop' in r) {
      stop = r.stop;
      break;
    }
    rowsSeen += B;
    if (r.testSums) lastTest = r.testSums;
    hooks.onStep(r.report);
  }
  return { stop, steps: step, tracker, test: lastTest };
}

function shuffle(a: Int32Array, random: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
