// The fast SAE trainer: every architecture's training step as raw WGSL on the engine's GPUDevice (ReluSaeStep
// for the dense ReLU-L1 and JumpReLU steps, TopKSaeStep for TopK and BatchTopK), with batch statistics,
// gradient clipping and the non-finite guard done on the device. The rules it applies (which latents each
// architecture selects, BatchTopK's θ estimate, the clipped norm, the metric sums) are core's, as tfjs applies them.
// BatchTopK's θ (what inference and every export use) is kept here, on the host.
// Inference (held-out metrics, codes for the feature browser) runs the same kernels forward only, on steppers
// sized for evaluation chunks: BatchTopK with θ on the dense step's threshold gate (JumpReLU's, θ given as is).
// ReLU + L1 switches to the sparse step (every positive code as an entry) once its codes are sparse enough,
// and back (or redoes a step densely) when they are not: see reluSparseCapacity.
// The clipped and reported gradient norm is of the gradients Adam sees: TopK's decoder gradient after its
// parallel-component removal (the sparse backward removes it in place), as core/sae/grad-clip.ts defines it.
import { inferenceSelection, nextBatchThreshold, rulesOf, type Selection } from '../../core/sae/architecture';
import type { SaeTrainerState } from '../../core/sae/checkpoint';
import { addSums, emptySums, sumsFromRows, type MetricSums } from '../../core/sae/metrics';
import { evalChunkRows } from '../../core/sae/train-loop';
import { checkParamShapes, type SaeParams } from '../../core/sae/params';
import { readF32, readU32, storageBuffer, uniformBuffer, view, type Enc } from './gpu/buffers';
import { encodeOverflowGuard } from './kernels/batch-topk';
import { encodeGatedAdam, encodeSumSquares, gatedAdamUniforms, NORM_PARTIALS } from './kernels/gated-adam';
import { ReluSaeStep, type SaeChunkView } from './steps/relu-sae-step';
import { encodeRowNorm } from './kernels/rownorm';
import { encodeDenseFires, encodeRangeFires, encodeRowStats, encodeSparseFires } from './kernels/sae-batch-stats';
import { SaeState, type SaeParams as DeviceSaeParams } from './steps/sae-state';
import { TopKSaeStep } from './steps/topk-sae-step';
import type { SaeHyper, SaeShape, SaeTrainer, StepResult } from '../../core/engine/sae-trainer';

/** Selections with WGSL kernels: all four (so every architecture trains and infers here). */
const WGSL_SELECTIONS: ReadonlySet<Selection> = new Set<Selection>(['relu', 'row-topk', 'batch-topk', 'threshold']);

export function wgslSaeSupports(architecture: SaeShape['architecture']): boolean {
  const r = rulesOf(architecture);
  return WGSL_SELECTIONS.has(r.training) && WGSL_SELECTIONS.has(r.inference);
}

/** Dense codes (ReluSaeStep: ReLU, thresholds) rather than selected ones (TopKSaeStep: top-k per row or batch). */
const dense = (s: Selection) => s === 'relu' || s === 'threshold';

/**
 * Pure: the entries per row ReLU's sparse step should hold for the next batch, or 0 for the dense step. Sparse
 * once the last batch's codes averaged at most m/32 active latents per row (room for twice that, plus 8, in a
 * power of two ≥ 16); the capacity is kept while it still fits and is not 4× too big, so it rarely rebuilds.
 */
export function reluSparseCapacity(lastL0PerRow: number | null, current: number, m: number): number {
  if (lastL0PerRow === null) return 0;
  const need = 2 * lastL0PerRow + 8;
  if (need > m / 16) return 0;
  if (current > 0 && need <= current && 4 * need > current) return current;
  return Math.max(16, 2 ** Math.ceil(Math.log2(need)));
}

export interface WgslSaeOptions {
  /** Rows per chunk cap for the step kernels (tests force chunking); the device binding limit applies anyway. */
  maxChunkRows?: number;
  /** Continue from a checkpoint's state (its params are `init`): Adam moments and step count are written back. */
  resume?: SaeTrainerState;
  /** ReLU: 'auto' (sparse once codes are sparse, reluSparseCapacity), 'dense', or a fixed sparse capacity (tests). */
  reluPath?: 'auto' | 'dense' | { entriesPerRow: number };
}

/** perRow: ReLU's sparse capacity (0: the dense step). */
type Stepper = { rows: number; k: number; kAux: number; perRow: number; step: ReluSaeStep | TopKSaeStep };
/** A step's kernels built for its rows and settings; `activations`: the f a fused encoder may fill, else null. */
export interface PreparedStep {
  rows: number;
  h: SaeHyper;
  perRow: number;
  kAux: number;
  st: Stepper;
  activations: GPUBuffer | null;
}
/** A submitted step awaiting its read-backs. */
export interface PendingStep {
  p: PreparedStep;
  x: Float32Array;
  dead: Uint8Array | undefined;
  listed: boolean;
}
/** Per-row statistics buffers a step's afterForward fills. */
type RowStats = { rowStats: GPUBuffer; rowL1: GPUBuffer };
/** A forward-only stepper for `rows` evaluation rows under one selection, with its own input and statistics buffers. */
type EvalStepper = RowStats & {
  rows: number;
  k: number;
  selection: Selection;
  x: GPUBuffer;
  step: ReluSaeStep | TopKSaeStep;
};

export class WgslSaeTrainer implements SaeTrainer {
  private readonly state: SaeState;
  private stepper: Stepper | null = null;
  private readonly bufs: Record<string, GPUBuffer> = {};
  private rowBufs: { rows: number; x: GPUBuffer; rowStats: GPUBuffer; rowL1: GPUBuffer } | null = null;
  private readonly adamU: GPUBuffer;
  /** Evaluation steppers by row count (a full evaluation chunk and the last, shorter one). */
  private readonly evalSteppers = new Map<number, EvalStepper>();
  /** BatchTopK: θ (core/sae/architecture.ts nextBatchThreshold), null until its warm-up ends. */
  private batchThreshold: number | null = null;
  /** ReLU: mean active latents per row of the last applied batch (null: unknown, or the sparse step overflowed). */
  private lastL0PerRow: number | null = null;
  /** Steps ReLU took on its sparse path (for tests and the bench). */
  sparseSteps = 0;

  constructor(
    readonly device: GPUDevice,
    readonly shape: SaeShape,
    init: SaeParams,
    private readonly opts: WgslSaeOptions = {},
  ) {
    const { dIn: d, dSae: m, architecture } = shape;
    if (!wgslSaeSupports(architecture)) throw new Error(`invalid architecture for the WGSL trainer: ${architecture}`);
    checkParamShapes(init, d, m, 'initial');
    const rules = rulesOf(architecture);
    // JumpReLU trains log θ (as SAELens and the tfjs trainer do); a checkpoint's is taken as stored, bit for bit.
    const logTheta =
      rules.threshold !== 'trained'
        ? undefined
        : opts.resume
          ? opts.resume.params[4]
          : Float32Array.from(init.threshold ?? new Float32Array(m).fill(1e-3), Math.log);
    if (rules.threshold === 'trained' && logTheta?.length !== m)
      throw new Error('invalid JumpReLU state: it needs a log-threshold tensor of d_sae values');
    const s = (this.state = new SaeState(device, d, m, {
      wEnc: init.wEnc,
      bEnc: init.bEnc,
      wDec: init.wDec,
      bDec: init.bDec,
      logTheta,
    }));
    const mk = (name: string, n: number) => (this.bufs[name] = storageBuffer(device, n, `wgsl-sae.${name}`));
    mk('fires', m);
    mk('colL1', m);
    mk('partials', NORM_PARTIALS);
    mk('normSq', 4);
    mk('norms', m);
    if (rules.threshold === 'estimated') mk('theta', m);
    this.adamU = uniformBuffer(device, new Float32Array(8).buffer, 'wgsl-sae.adam');
    if (opts.resume) {
      const r = opts.resume;
      s.t = r.t;
      this.batchThreshold = r.batchThreshold;
      s.write(s.adamM, r.adamM);
      s.write(s.adamV, r.adamV);
      return;
    }
    // TopK keeps unit decoder rows from the start, as the tfjs trainer does (a resumed decoder is kept as stored).
    if (rules.unitDecoder) this.submit((ctx) => encodeRowNorm(ctx, s.wDec(), m, d, this.bufs.norms, true, 'renorm'));
  }

  /** 'wgsl'; for ReLU once it has used its sparse step, how many of the steps (so a summary says so). */
  get implementation(): string {
    return this.sparseSteps > 0 ? `wgsl (sparse step for ${this.sparseSteps} of ${this.state.t} steps)` : 'wgsl';
  }

  get steps(): number {
    return this.state.t;
  }

  private submit(fill: (ctx: Enc) => void): void {
    const enc = this.device.createCommandEncoder();
    fill({ device: this.device, enc });
    this.device.queue.submit([enc.finish()]);
  }

  /** Step kernels are sized for (rows, k, k_aux, ReLU's capacity): rebuilt, weights and moments kept, when one changes. */
  private stepperFor(rows: number, k: number, kAux: number, perRow: number): Stepper {
    const { dIn: d } = this.shape;
    const training = rulesOf(this.shape.architecture).training;
    if (!this.rowBufs || this.rowBufs.rows !== rows) {
      if (this.rowBufs) for (const b of [this.rowBufs.x, this.rowBufs.rowStats, this.rowBufs.rowL1]) b.destroy();
      this.rowBufs = {
        rows,
        x: storageBuffer(this.device, rows * d, 'wgsl-sae.x'),
        rowStats: storageBuffer(this.device, rows * 4, 'wgsl-sae.rowStats'),
        rowL1: storageBuffer(this.device, rows, 'wgsl-sae.rowL1'),
      };
    }
    const st = this.stepper;
    if (st && st.rows === rows && st.perRow === perRow && (dense(training) || (st.k === k && st.kAux === kAux)))
      return st;
    this.stepper?.step.destroy();
    const step = this.makeStep(
      rows,
      k,
      this.rowBufs!,
      perRow > 0 ? { selection: 'positive', perRow } : { selection: training, kAux },
    );
    return (this.stepper = { rows, k, kAux, perRow, step });
  }

  /**
   * A step for a selection: the dense step for 'relu' and 'threshold' (JumpReLU's log θ, or, forward only,
   * BatchTopK's estimated θ), the sparse one for top-k per row or per batch and for ReLU's positive entries.
   */
  private makeStep(
    rows: number,
    k: number,
    stats: RowStats,
    how: { selection: Selection; kAux: number } | { selection: 'positive'; perRow: number },
    maxChunkRows = this.opts.maxChunkRows,
  ): ReluSaeStep | TopKSaeStep {
    const { architecture } = this.shape;
    // The trainer keeps decoder rows unit-norm itself; a step built mid-run must not touch the weights.
    const common = {
      batch: rows,
      adam: { lr: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
      maxChunkRows,
      update: false,
      normalizeDecoder: false,
      afterForward: (ctx: Enc, c: SaeChunkView) => this.encodeChunkStats(ctx, c, rows, k, stats),
    };
    switch (how.selection) {
      case 'positive':
        return new TopKSaeStep(this.state, { ...common, k: 1, selection: 'positive', entriesPerRow: how.perRow });
      case 'relu':
        return new ReluSaeStep(this.state, { ...common, lambda: 0, activation: 'relu' });
      case 'threshold':
        return rulesOf(architecture).threshold === 'trained'
          ? new ReluSaeStep(this.state, { ...common, lambda: 0, activation: 'jumprelu' })
          : new ReluSaeStep(this.state, { ...common, lambda: 0, activation: 'threshold', theta: this.bufs.theta });
      case 'row-topk':
      case 'batch-topk':
        return new TopKSaeStep(this.state, {
          ...common,
          k,
          auxK: how.kAux,
          selection: how.selection === 'batch-topk' ? 'batch' : 'row',
        });
    }
  }

  /** ReLU's sparse capacity for the next step (0: dense). */
  private reluCapacity(): number {
    const path = this.opts.reluPath ?? 'auto';
    if (this.shape.architecture !== 'relu' || path === 'dense') return 0;
    if (path !== 'auto') return path.entriesPerRow;
    return reluSparseCapacity(this.lastL0PerRow, this.stepper?.perRow ?? 0, this.shape.dSae);
  }

  private encodeChunkStats(ctx: Enc, c: SaeChunkView, batch: number, k: number, rb: RowStats): void {
    const { dIn: d, dSae: m } = this.shape;
    const b = this.bufs;
    encodeRowStats(ctx, c.x, c.gx, view(rb.rowStats, c.r0 * 4, c.rows * 4), c.rows, d, batch);
    if (c.f) encodeDenseFires(ctx, c.f, b.fires, b.colL1, c.rows, m, c.index > 0);
    else {
      if (c.index === 0) ctx.enc.clearBuffer(b.fires);
      if (c.ranges) encodeRangeFires(ctx, c.idx!, c.vals!, c.ranges, b.fires, view(rb.rowL1, c.r0, c.rows), c.rows);
      else encodeSparseFires(ctx, c.idx!, c.vals!, b.fires, view(rb.rowL1, c.r0, c.rows), c.rows, k);
    }
  }

  async step(x: Float32Array, rows: number, h: SaeHyper, dead?: Uint8Array): Promise<StepResult> {
    return this.stepOn(x, rows, h, dead, this.reluCapacity());
  }

  private async stepOn(
    x: Float32Array,
    rows: number,
    h: SaeHyper,
    dead: Uint8Array | undefined,
    perRow: number,
  ): Promise<StepResult> {
    return this.finishStep(this.submitStep(this.prepareStep(rows, h, perRow), x, null, dead));
  }

  /** The parameters, gradients and moments on the device (a group's fused encoder reads W_enc, b_enc, b_dec). */
  get deviceState(): SaeState {
    return this.state;
  }

  /**
   * Builds (or keeps) the kernels of the next step on `rows` rows. `activations` is the f buffer a fused encoder
   * may fill in its place (sparse steps — TopK, BatchTopK, ReLU's sparse one — whose batch is one chunk), else null.
   */
  prepareStep(rows: number, h: SaeHyper, perRow = this.reluCapacity()): PreparedStep {
    const { dSae: m, architecture } = this.shape;
    const rules = rulesOf(architecture);
    // AuxK buffers exist once α > 0; sized for k_aux (capped at m), so a dead-latent count change rebuilds nothing.
    const kAux = rules.auxK && h.auxKCoefficient > 0 ? Math.min(h.auxK, m) : 0;
    const st = this.stepperFor(rows, h.k, kAux, perRow);
    const fusable = st.step instanceof TopKSaeStep && st.step.chunks.length === 1;
    return { rows, h, perRow, kAux, st, activations: fusable ? (st.step as TopKSaeStep).activations : null };
  }

  /**
   * Submits a prepared step on x: from `xBuf` when the rows are already on the device (a group uploads a shared
   * batch once), else written into this trainer's own buffer. `encoded`: the step's activations hold this batch's
   * pre-activations already (a fused encoder). Nothing is read back until finishStep.
   */
  submitStep(
    p: PreparedStep,
    x: Float32Array,
    xBuf: GPUBuffer | null,
    dead: Uint8Array | undefined,
    encoded = false,
  ): PendingStep {
    const { dIn: d, dSae: m, architecture } = this.shape;
    const rules = rulesOf(architecture);
    const { rows, h, perRow, kAux, st } = p;
    if (x.length < rows * d) throw new Error(`invalid batch: ${x.length} values for ${rows} rows of ${d}`);
    if (encoded && !p.activations) throw new Error('a pre-encoded step needs a sparse step on one chunk');
    const s = this.state,
      rb = this.rowBufs!,
      b = this.bufs;
    const sparseRelu = perRow > 0;
    const listed = sparseRelu || rules.training === 'batch-topk';
    if (!xBuf) this.device.queue.writeBuffer(rb.x, 0, x.buffer, x.byteOffset, rows * d * 4);
    const input = xBuf ?? rb.x;
    if (st.step instanceof ReluSaeStep) st.step.setHyper({ lambda: h.sparsity, bandwidth: h.bandwidth });
    else if (sparseRelu) st.step.setHyper({ lambda: h.sparsity });
    s.t += 1;
    this.device.queue.writeBuffer(this.adamU, 0, gatedAdamUniforms(h, s.t, h.gradClip));
    if (st.step instanceof TopKSaeStep)
      st.step.step(input, undefined, kAux > 0 && dead ? { dead, alpha: h.auxKCoefficient } : undefined, encoded);
    else st.step.step(input);
    this.submit((ctx) => {
      encodeSumSquares(ctx, s.grads, s.layout.total, b.partials, b.normSq);
      if (listed) encodeOverflowGuard(ctx, (st.step as TopKSaeStep).selectionBuffer, b.normSq);
      encodeGatedAdam(ctx, s.layout.total, s.params, s.grads, s.adamM, s.adamV, this.adamU, b.normSq);
      if (rules.unitDecoder) encodeRowNorm(ctx, s.wDec(), m, d, b.norms, true, 'renorm');
    });
    return { p, x, dead, listed };
  }

  /** Reads a submitted step's results back and applies the host's part (θ, counters, ReLU's path). */
  async finishStep({ p, x, dead, listed }: PendingStep): Promise<StepResult> {
    const { dSae: m, architecture } = this.shape;
    const rules = rulesOf(architecture);
    const { rows, h, perRow, st } = p;
    const s = this.state,
      rb = this.rowBufs!,
      b = this.bufs;
    const sparseRelu = perRow > 0;
    const [loss, rowStats, fires, l1, normSq, selection] = await Promise.all([
      st.step.readLoss(),
      readF32(this.device, rb.rowStats, rows * 4),
      readU32(this.device, b.fires, m),
      st.step instanceof ReluSaeStep ? readF32(this.device, b.colL1, m) : readF32(this.device, rb.rowL1, rows),
      readF32(this.device, b.normSq, 1),
      listed ? (st.step as TopKSaeStep).readSelection() : null,
    ]);
    if (selection && selection.overflowEntries > 0) {
      s.t -= 1; // the guard kept Adam from applying it
      if (sparseRelu) {
        // More codes fired than the sparse step had room for: nothing was applied; redo this batch densely.
        this.lastL0PerRow = null;
        return this.stepOn(x, rows, h, dead, 0);
      }
      throw new Error(
        `BatchTopK: ${selection.overflowEntries} activations reached the batch threshold, more than the ${selection.capacity} entries a batch holds (k·B plus one tie per row); the batch has that many exactly tied activations`,
      );
    }
    if (sparseRelu) this.sparseSteps += 1;
    const gradNorm = Math.sqrt(normSq[0]);
    // The device skipped the update exactly when ‖g‖² was not finite. A non-finite loss always reaches the
    // gradient (∂/∂b_dec = Σ_b g_b carries every residual), so this is also the loss's finiteness.
    if (!Number.isFinite(gradNorm)) s.t -= 1;
    const finite = Number.isFinite(loss.mse) && Number.isFinite(loss.aux) && Number.isFinite(gradNorm);
    // Only an applied step moves θ (the tfjs trainer's rule), and only when some activation was kept.
    if (rules.threshold === 'estimated' && selection && Number.isFinite(gradNorm))
      this.batchThreshold = nextBatchThreshold(this.batchThreshold, selection.minKept, s.t, {
        startStep: h.thresholdStartStep,
        beta: h.thresholdEmaBeta,
      });
    const sums = this.sums(x, rows, rowStats, fires, l1);
    if (architecture === 'relu') this.lastL0PerRow = sums.l0 / rows;
    return { mse: loss.mse, aux: loss.aux, loss: loss.loss, gradNorm, sums, finite };
  }

  /** MetricSums from the host rows, the per-row device sums and the batch's per-latent fire counts (metrics.ts). */
  private sums(
    x: Float32Array,
    rows: number,
    rowStats: Float32Array,
    fires: Uint32Array,
    l1: Float32Array,
  ): MetricSums {
    let l1Total = 0;
    for (const v of l1) l1Total += v;
    return sumsFromRows(x, rows, this.shape.dIn, rowStats, fires, l1Total);
  }

  /** The last step's gradients (TopK: decoder gradient with its parallel component removed), for tests. */
  async gradients(): Promise<DeviceSaeParams> {
    return this.state.read('grads');
  }

  /** Parameters, Adam moments and step count as on the device. */
  async exportState(): Promise<SaeTrainerState> {
    const s = this.state,
      n = s.layout.total;
    const [p, am, av] = await Promise.all([
      readF32(this.device, s.params, n),
      readF32(this.device, s.adamM, n),
      readF32(this.device, s.adamV, n),
    ]);
    return {
      t: s.t,
      params: s.split(p),
      adamM: s.split(am),
      adamV: s.split(av),
      batchThreshold: this.batchThreshold,
      trainer: 'wgsl',
    };
  }

  /** Inference's selection now (BatchTopK: per-row top-k until θ exists, then its threshold). */
  private get inference(): Selection {
    return inferenceSelection(this.shape.architecture, this.batchThreshold !== null);
  }

  /** Runs the forward pass on `rows` rows of x on an evaluation stepper and returns it (statistics on device). */
  private forward(x: Float32Array, rows: number, k: number): EvalStepper {
    const d = this.shape.dIn;
    if (x.length < rows * d) throw new Error(`invalid rows: ${x.length} values for ${rows} rows of ${d}`);
    const selection = this.inference;
    let e = this.evalSteppers.get(rows);
    if (!e || e.k !== k || e.selection !== selection) {
      if (e) this.destroyEval(e);
      // Two sizes are in use at a time (a full evaluation chunk and the last one); more means the sizes moved on.
      if (this.evalSteppers.size >= 2) for (const old of this.evalSteppers.values()) this.destroyEval(old);
      const stats = {
        rowStats: storageBuffer(this.device, rows * 4, 'wgsl-sae.eval.rowStats'),
        rowL1: storageBuffer(this.device, rows, 'wgsl-sae.eval.rowL1'),
      };
      e = {
        rows,
        k,
        selection,
        x: storageBuffer(this.device, rows * d, 'wgsl-sae.eval.x'),
        ...stats,
        step: this.makeStep(rows, k, stats, { selection, kAux: 0 }, Infinity),
      };
      this.evalSteppers.set(rows, e);
    }
    if (selection === 'threshold' && this.batchThreshold !== null)
      this.device.queue.writeBuffer(this.bufs.theta, 0, new Float32Array(this.shape.dSae).fill(this.batchThreshold));
    this.device.queue.writeBuffer(e.x, 0, x.buffer, x.byteOffset, rows * d * 4);
    e.step.forward(e.x);
    return e;
  }

  private destroyEval(e: EvalStepper): void {
    e.step.destroy();
    for (const b of [e.x, e.rowStats, e.rowL1]) b.destroy();
    this.evalSteppers.delete(e.rows);
  }

  /** [first row, rows] blocks of at most evalChunkRows(m) rows: each one chunk for the forward steppers. */
  private evalBlocks(rows: number): Array<[number, number]> {
    const per = evalChunkRows(this.shape.dSae),
      out: Array<[number, number]> = [];
    for (let r = 0; r < rows; r += per) out.push([r, Math.min(per, rows - r)]);
    return out;
  }

  async evaluate(x: Float32Array, rows: number, k: number): Promise<MetricSums> {
    const { dIn: d, dSae: m } = this.shape;
    const total = emptySums(d, m);
    for (const [r0, n] of this.evalBlocks(rows)) {
      const xb = x.subarray(r0 * d, (r0 + n) * d);
      const e = this.forward(xb, n, k);
      const [rowStats, fires, l1] = await Promise.all([
        readF32(this.device, e.rowStats, n * 4),
        readU32(this.device, this.bufs.fires, m),
        e.step instanceof ReluSaeStep ? readF32(this.device, this.bufs.colL1, m) : readF32(this.device, e.rowL1, n),
      ]);
      addSums(total, this.sums(xb, n, rowStats, fires, l1));
    }
    return total;
  }

  /** Inference-mode codes f [rows, dSae]. */
  async encode(x: Float32Array, rows: number, k: number): Promise<Float32Array> {
    const { dIn: d, dSae: m } = this.shape;
    const codes = new Float32Array(rows * m);
    for (const [r0, n] of this.evalBlocks(rows)) {
      const e = this.forward(x.subarray(r0 * d, (r0 + n) * d), n, k);
      if (e.step instanceof ReluSaeStep) {
        codes.set(await e.step.readCodes(), r0 * m);
        continue;
      }
      const { idx, val } = await e.step.readTopK();
      for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) codes[(r0 + r) * m + idx[r * k + j]] = val[r * k + j];
    }
    return codes;
  }

  /**
   * Parameters; JumpReLU adds θ = exp(log θ), BatchTopK its θ broadcast over latents (zeros before the first
   * step), as the tfjs trainer does.
   */
  async read(): Promise<SaeParams> {
    const p = await this.state.read();
    const { dSae: m } = this.shape;
    const kind = rulesOf(this.shape.architecture).threshold;
    const threshold =
      kind === 'estimated'
        ? new Float32Array(m).fill(this.batchThreshold ?? 0)
        : kind === 'trained'
          ? Float32Array.from(p.logTheta!, Math.exp)
          : undefined;
    return { wEnc: p.wEnc, bEnc: p.bEnc, wDec: p.wDec, bDec: p.bDec, threshold };
  }

  dispose(): void {
    this.stepper?.step.destroy();
    this.stepper = null;
    if (this.rowBufs) for (const b of [this.rowBufs.x, this.rowBufs.rowStats, this.rowBufs.rowL1]) b.destroy();
    this.rowBufs = null;
    for (const e of [...this.evalSteppers.values()]) this.destroyEval(e);
    this.state.destroy();
    for (const b of Object.values(this.bufs)) b.destroy();
    this.adamU.destroy();
  }
}
