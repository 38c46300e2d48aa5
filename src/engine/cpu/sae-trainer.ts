// The CPU engine's SAE trainer: parameters, gradients and Adam moments in one WebAssembly heap, each step a
// forward/backward pass of sae-pass.ts then the same rules as the tfjs and WGSL trainers (core/sae: selection,
// BatchTopK's θ, decoder parallel-component removal, global-norm clipping, unit decoder rows, f64 metric sums).
// Its checkpoint state has the tfjs trainer's layout and semantics, so either resumes the other's.
import { inferenceSelection, nextBatchThreshold, rulesOf } from '../../core/sae/architecture';
import type { SaeTrainerState } from '../../core/sae/checkpoint';
import { gradClipScale } from '../../core/sae/grad-clip';
import { addSums, emptySums, sumsFromRows, type MetricSums } from '../../core/sae/metrics';
import { checkParamShapes, type SaeParams } from '../../core/sae/params';
import type { SaeTrainerStart } from '../../core/engine/engine';
import type { SaeHyper, SaeShape, SaeTrainer, StepResult } from '../../core/engine/sae-trainer';
import { adamStep } from './kernels/adam';
import { KernelHeap, type KernelVariant } from './kernels/heap';
import { backward, denseCodes, forward, type Forward, type ParamOffsets, type SelectionArgs } from './sae-pass';

export interface CpuSaeOptions {
  /** BatchTopK's θ estimate carried over (a checkpoint); null until its warm-up ends. */
  batchThreshold?: number | null;
  /** Keep the decoder as given (a checkpoint or an imported dictionary); otherwise TopK variants start from unit rows. */
  keepDecoder?: boolean;
  /** JumpReLU's log θ as stored (a checkpoint), instead of log of the initial θ. */
  logThreshold?: Float32Array;
  /** Which kernel module to run (benchmarks compare them); by default the fastest this runtime validates. */
  kernels?: KernelVariant;
}

/** Raw gradients (no decoder projection, no clipping) and loss terms, for tests against the f64 reference. */
export interface CpuRawGradients {
  wEnc: Float32Array;
  bEnc: Float32Array;
  wDec: Float32Array;
  bDec: Float32Array;
  logThreshold?: Float32Array;
  mse: number;
  aux: number;
}

/** Rows per chunk for evaluate/encode, so the [rows, d_sae] scratch stays a few MB whatever the data size. */
const EVAL_CHUNK_ROWS = 1024;

export class CpuSaeTrainer implements SaeTrainer {
  readonly implementation = 'cpu-wasm-simd';
  private readonly h: KernelHeap;
  private readonly p: ParamOffsets;
  private readonly g: ParamOffsets;
  private readonly am: number[];
  private readonly av: number[];
  private readonly sizes: number[];
  /** Start of per-batch scratch: everything after it is reallocated by each call. */
  private readonly scratch: number;
  private t = 0;
  batchThreshold: number | null;

  constructor(
    readonly shape: SaeShape,
    init: SaeParams,
    opts: CpuSaeOptions = {},
  ) {
    const { dIn: d, dSae: m, architecture } = shape;
    this.h = new KernelHeap(opts.kernels);
    checkParamShapes(init, d, m, 'initial');
    const rules = rulesOf(architecture);
    this.batchThreshold = opts.batchThreshold ?? null;
    const h = this.h;
    const trained = rules.threshold === 'trained';
    this.sizes = [d * m, m, m * d, d, ...(trained ? [m] : [])];
    const [wEnc, bEnc, wDec, bDec, logTheta] = this.sizes.map((n) => h.alloc(n));
    this.p = { wEnc, bEnc, wDec, bDec, logTheta };
    const [gwEnc, gbEnc, gwDec, gbDec, glogTheta] = this.sizes.map((n) => h.alloc(n));
    this.g = { wEnc: gwEnc, bEnc: gbEnc, wDec: gwDec, bDec: gbDec, logTheta: glogTheta };
    this.am = this.sizes.map((n) => h.alloc(n));
    this.av = this.sizes.map((n) => h.alloc(n));
    const F = h.f32;
    F.set(init.wEnc, wEnc);
    F.set(init.bEnc, bEnc);
    F.set(init.wDec, wDec);
    F.set(init.bDec, bDec);
    if (trained) {
      if (opts.logThreshold) F.set(opts.logThreshold, logTheta!);
      else {
        const theta = init.threshold ?? new Float32Array(m).fill(1e-3);
        for (let i = 0; i < m; i++) F[logTheta! + i] = Math.log(theta[i]);
      }
    }
    if (rules.unitDecoder && !opts.keepDecoder) this.unitRows();
    this.scratch = h.used;
  }

  get steps(): number {
    return this.t;
  }

  private order(): number[] {
    const { wEnc, bEnc, wDec, bDec, logTheta } = this.p;
    return [wEnc, bEnc, wDec, bDec, ...(logTheta !== undefined ? [logTheta] : [])];
  }

  private gradOrder(): number[] {
    const { wEnc, bEnc, wDec, bDec, logTheta } = this.g;
    return [wEnc, bEnc, wDec, bDec, ...(logTheta !== undefined ? [logTheta] : [])];
  }

  /** Decoder rows scaled to unit norm (rows of zero norm stay zero). */
  private unitRows(): void {
    const { dIn: d, dSae: m } = this.shape;
    const h = this.h;
    const mark = h.used;
    const s = h.alloc(m);
    h.k.rowDots(4 * this.p.wDec, 4 * this.p.wDec, d, m, d, 4 * s);
    const F = h.f32;
    for (let i = 0; i < m; i++) F[s + i] = 1 / Math.max(Math.sqrt(F[s + i]), 1e-30);
    h.k.scaleRows(4 * this.p.wDec, 4 * s, m, d);
    h.release(mark);
  }

  /** Each decoder row's gradient loses its component along the row: what Adam sees for a unit-norm decoder. */
  private removeParallel(): void {
    const { dIn: d, dSae: m } = this.shape;
    const h = this.h;
    const mark = h.used;
    const dot = h.alloc(m),
      nn = h.alloc(m);
    h.k.rowDots(4 * this.g.wDec, 4 * this.p.wDec, d, m, d, 4 * dot);
    h.k.rowDots(4 * this.p.wDec, 4 * this.p.wDec, d, m, d, 4 * nn);
    const F = h.f32;
    for (let i = 0; i < m; i++) F[dot + i] = -F[dot + i] / Math.max(F[nn + i], 1e-30);
    h.k.rowsAxpy(4 * this.g.wDec, 4 * this.p.wDec, 4 * dot, m, d);
    h.release(mark);
  }

  /** θ [m] (element offset in scratch) for the training or inference selection, when it is a threshold. */
  private thetaOffset(inference: boolean): number | undefined {
    const { threshold } = rulesOf(this.shape.architecture);
    const m = this.shape.dSae;
    if (threshold === 'trained') {
      const off = this.h.alloc(m);
      const F = this.h.f32;
      for (let i = 0; i < m; i++) F[off + i] = Math.exp(F[this.p.logTheta! + i]);
      return off;
    }
    if (inference && threshold === 'estimated' && this.batchThreshold !== null) {
      const off = this.h.alloc(m);
      this.h.f32.fill(this.batchThreshold, off, off + m);
      return off;
    }
    return undefined;
  }

  private trainingSelection(k: number): SelectionArgs {
    return { selection: rulesOf(this.shape.architecture).training, k, theta: this.thetaOffset(false) };
  }

  private inferenceSelection(k: number): SelectionArgs {
    const theta = this.thetaOffset(true);
    return { selection: inferenceSelection(this.shape.architecture, theta !== undefined), k, theta };
  }

  private sumsOf(x: Float32Array, fw: Forward): MetricSums {
    return sumsFromRows(x, fw.rows, this.shape.dIn, fw.rowStats, fw.fires, fw.l1);
  }

  /** Forward + backward into the gradient buffers; leaves the forward pass in scratch for the caller. */
  private pass(x: Float32Array, rows: number, hy: SaeHyper, dead?: Uint8Array) {
    const { architecture: arch, dIn: d, dSae: m } = this.shape;
    const h = this.h;
    h.release(this.scratch);
    const fw = forward(h, this.p, { d, m }, x, rows, this.trainingSelection(hy.k));
    const useAux = rulesOf(arch).auxK && dead !== undefined && hy.auxKCoefficient > 0;
    const { mse, aux } = backward(h, this.p, this.g, { d, m }, fw, {
      arch,
      k: hy.k,
      lambda: hy.sparsity,
      bandwidth: hy.bandwidth,
      aux: useAux ? { dead: dead!, kAux: hy.auxK, alpha: hy.auxKCoefficient } : undefined,
    });
    return { fw, mse, aux };
  }

  /** Raw gradients (no decoder projection, no clipping) and loss terms: for tests against the f64 reference. */
  gradients(x: Float32Array, rows: number, hy: SaeHyper, dead?: Uint8Array): CpuRawGradients {
    const { mse, aux } = this.pass(x, rows, hy, dead);
    const [wEnc, bEnc, wDec, bDec, logThreshold] = this.gradOrder().map((off, i) => this.h.copyOut(off, this.sizes[i]));
    return { wEnc, bEnc, wDec, bDec, logThreshold, mse, aux };
  }

  step(x: Float32Array, rows: number, hy: SaeHyper, dead?: Uint8Array): Promise<StepResult> {
    return Promise.resolve(this.stepSync(x, rows, hy, dead));
  }

  /** One Adam step, synchronously (the CPU has nothing to wait for). */
  stepSync(x: Float32Array, rows: number, hy: SaeHyper, dead?: Uint8Array): StepResult {
    const { architecture } = this.shape;
    const rules = rulesOf(architecture);
    const { fw, mse, aux } = this.pass(x, rows, hy, dead);
    const sums = this.sumsOf(x, fw);
    const h = this.h;
    // What Adam sees, and so what is clipped and reported: the decoder gradient without its parallel part.
    if (rules.unitDecoder) this.removeParallel();
    const grads = this.gradOrder();
    let n2 = 0;
    grads.forEach((off, i) => (n2 += h.k.sumSquares(4 * off, this.sizes[i])));
    const gradNorm = Math.sqrt(n2);
    // Finite as f32, as on every other trainer: the f64 host sums would carry an overflowed loss (1e60) as finite.
    const finite = [mse, aux, gradNorm].every((v) => Number.isFinite(Math.fround(v)));
    if (finite) {
      const scale = gradClipScale(gradNorm, hy.gradClip);
      this.t += 1;
      const order = this.order();
      adamStep(
        h,
        order.map((p, i) => ({ p, g: grads[i], m: this.am[i], v: this.av[i], n: this.sizes[i] })),
        hy,
        this.t,
        scale,
      );
      if (rules.unitDecoder) this.unitRows();
      if (rules.threshold === 'estimated')
        this.batchThreshold = nextBatchThreshold(this.batchThreshold, fw.minKept, this.t, {
          startStep: hy.thresholdStartStep,
          beta: hy.thresholdEmaBeta,
        });
    }
    h.release(this.scratch);
    return { mse, aux, loss: mse + aux, gradNorm, sums, finite };
  }

  private *inferenceChunks(x: Float32Array, rows: number, k: number): Generator<Forward> {
    const { dIn: d, dSae: m } = this.shape;
    for (let r0 = 0; r0 < rows; r0 += EVAL_CHUNK_ROWS) {
      const n = Math.min(EVAL_CHUNK_ROWS, rows - r0);
      this.h.release(this.scratch);
      yield forward(this.h, this.p, { d, m }, x.subarray(r0 * d, (r0 + n) * d), n, this.inferenceSelection(k));
    }
    this.h.release(this.scratch);
  }

  evaluate(x: Float32Array, rows: number, k: number): Promise<MetricSums> {
    const { dIn: d, dSae: m } = this.shape;
    const total = emptySums(d, m);
    let r0 = 0;
    for (const fw of this.inferenceChunks(x, rows, k)) {
      addSums(total, this.sumsOf(x.subarray(r0 * d, (r0 + fw.rows) * d), fw));
      r0 += fw.rows;
    }
    return Promise.resolve(total);
  }

  encode(x: Float32Array, rows: number, k: number): Promise<Float32Array> {
    const m = this.shape.dSae;
    const out = new Float32Array(rows * m);
    let r0 = 0;
    for (const fw of this.inferenceChunks(x, rows, k)) {
      out.set(denseCodes(this.h, fw, m), r0 * m);
      r0 += fw.rows;
    }
    return Promise.resolve(out);
  }

  read(): Promise<SaeParams> {
    const [wEnc, bEnc, wDec, bDec] = this.order().map((off, i) => this.h.copyOut(off, this.sizes[i]));
    const m = this.shape.dSae;
    const { threshold: rule } = rulesOf(this.shape.architecture);
    let threshold: Float32Array | undefined;
    if (rule === 'trained') threshold = Float32Array.from(this.h.view(this.p.logTheta!, m), Math.exp);
    else if (rule === 'estimated') threshold = new Float32Array(m).fill(this.batchThreshold ?? 0);
    return Promise.resolve({ wEnc, bEnc, wDec, bDec, threshold });
  }

  /** Parameters (JumpReLU's log θ as stored), Adam moments in parameter order, counters: the tfjs trainer's layout. */
  exportState(): Promise<SaeTrainerState> {
    const copy = (offs: number[]) => offs.map((off, i) => this.h.copyOut(off, this.sizes[i]));
    return Promise.resolve({
      t: this.t,
      params: copy(this.order()),
      adamM: copy(this.am),
      adamV: copy(this.av),
      batchThreshold: this.batchThreshold,
      trainer: 'tfjs',
    });
  }

  /** A trainer continuing from a checkpoint's state (any trainer's: the layouts agree). */
  static fromState(shape: SaeShape, state: SaeTrainerState): CpuSaeTrainer {
    const [wEnc, bEnc, wDec, bDec, logThreshold] = state.params;
    if (rulesOf(shape.architecture).threshold === 'trained' && !logThreshold)
      throw new Error('invalid SAE checkpoint: a JumpReLU state needs its log-threshold tensor');
    const t = new CpuSaeTrainer(
      shape,
      { wEnc, bEnc, wDec, bDec },
      { keepDecoder: true, batchThreshold: state.batchThreshold, logThreshold },
    );
    const F = t.h.f32;
    t.sizes.forEach((n, i) => {
      if (state.adamM[i]?.length !== n || state.adamV[i]?.length !== n)
        throw new Error(`invalid SAE checkpoint: Adam moment ${i} has the wrong length for this shape`);
      F.set(state.adamM[i], t.am[i]);
      F.set(state.adamV[i], t.av[i]);
    });
    t.t = state.t;
    return t;
  }

  dispose(): void {
    // The heap's memory goes with the instance; nothing else is held.
  }
}

/** A new or resumed CPU trainer (imported dictionaries are evaluated elsewhere, with θ as given). */
export function cpuSaeTrainer(shape: SaeShape, start: Exclude<SaeTrainerStart, { evaluate: unknown }>): CpuSaeTrainer {
  return 'resume' in start ? CpuSaeTrainer.fromState(shape, start.resume) : new CpuSaeTrainer(shape, start.params);
}
