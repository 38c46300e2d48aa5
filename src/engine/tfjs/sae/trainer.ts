// The portable SAE trainer: parameters as tfjs variables, hand-written gradients (ops.ts), our own Adam so every
// hyperparameter can change between steps, batches split into row chunks that fit one binding. The architecture
// rules (selection, BatchTopK's θ), the clipped norm and the metric sums are core's; this file applies them.
import * as tf from '@tensorflow/tfjs';
import { nextBatchThreshold, rulesOf } from '../../../core/sae/architecture';
import type { SaeTrainerState } from '../../../core/sae/checkpoint';
import { gradClipScale } from '../../../core/sae/grad-clip';
import { emptySums, sumsFromRows, type MetricSums } from '../../../core/sae/metrics';
import { checkParamShapes, type SaeParams } from '../../../core/sae/params';
import { TfjsAdam } from './adam';
import type { SaeHyper, SaeShape, SaeTrainer, StepResult } from '../../../core/engine/sae-trainer';
import {
  batchKthLargest,
  chunkGrads,
  codeSums,
  F32_MAX,
  inferenceGate,
  preActivations,
  removeParallel,
  residualMoments,
  rowChunks,
  rowSums,
  unitRows,
  type GradInputs,
  type SaeVars,
} from './ops';

export interface TfjsSaeOptions {
  /** Rows per chunk so [rows, m] activations fit one storage binding; Infinity on CPU. */
  maxChunkRows?: number;
  /** BatchTopK's θ estimate carried over (a checkpoint); null until its warm-up ends. */
  batchThreshold?: number | null;
  /** Keep the decoder as given (an imported dictionary); otherwise TopK variants start from unit rows. */
  keepDecoder?: boolean;
}

export interface RawGradients {
  wEnc: Float32Array;
  bEnc: Float32Array;
  wDec: Float32Array;
  bDec: Float32Array;
  logThreshold?: Float32Array;
  mse: number;
  aux: number;
  loss: number;
}

/** Rows per chunk such that one [rows, m] f32 activation fits `maxBindingBytes`. */
export function chunkRowsFor(m: number, maxBindingBytes: number): number {
  return Math.max(1, Math.floor(maxBindingBytes / (4 * m)));
}

export class TfjsSaeTrainer implements SaeTrainer {
  readonly implementation = `tfjs-${tf.getBackend()}`;
  private readonly v: Record<keyof SaeVars, tf.Variable | undefined>;
  private readonly order: tf.Variable[];
  private readonly adam: TfjsAdam;
  private readonly maxChunkRows: number;
  /** BatchTopK inference threshold θ (core/sae/architecture.ts nextBatchThreshold), f64 on the host. */
  batchThreshold: number | null;

  constructor(
    readonly shape: SaeShape,
    init: SaeParams,
    opts: TfjsSaeOptions = {},
  ) {
    const { dIn: d, dSae: m, architecture } = shape;
    checkParamShapes(init, d, m, 'initial');
    this.maxChunkRows = opts.maxChunkRows ?? Infinity;
    this.batchThreshold = opts.batchThreshold ?? null;
    const unit = rulesOf(architecture).unitDecoder && !opts.keepDecoder;
    this.v = {
      wEnc: tf.variable(tf.tensor2d(init.wEnc, [d, m])),
      bEnc: tf.variable(tf.tensor1d(init.bEnc)),
      wDec: tf.variable(
        tf.tidy(() => {
          const w = tf.tensor2d(init.wDec, [m, d]);
          return unit ? unitRows(w) : w;
        }),
      ),
      bDec: tf.variable(tf.tensor1d(init.bDec)),
      logThreshold:
        rulesOf(architecture).threshold === 'trained'
          ? tf.variable(tf.tidy(() => tf.tensor1d(init.threshold ?? new Float32Array(m).fill(1e-3)).log()))
          : undefined,
    };
    this.order = [
      this.v.wEnc!,
      this.v.bEnc!,
      this.v.wDec!,
      this.v.bDec!,
      ...(this.v.logThreshold ? [this.v.logThreshold] : []),
    ];
    this.adam = new TfjsAdam(this.order);
  }

  get steps(): number {
    return this.adam.t;
  }

  private vars(): SaeVars {
    return {
      wEnc: this.v.wEnc as tf.Tensor2D,
      bEnc: this.v.bEnc as tf.Tensor1D,
      wDec: this.v.wDec as tf.Tensor2D,
      bDec: this.v.bDec as tf.Tensor1D,
      logThreshold: this.v.logThreshold as tf.Tensor1D | undefined,
    };
  }

  private rowsTensor(x: Float32Array, r0: number, n: number): tf.Tensor2D {
    const d = this.shape.dIn;
    return tf.tensor2d(x.subarray(r0 * d, (r0 + n) * d), [n, d]);
  }

  /** Summed raw gradients, loss terms and batch sums over all chunks, as tensors the caller owns. */
  private gradTensors(
    x: Float32Array,
    rows: number,
    h: SaeHyper,
    dead?: Uint8Array,
  ): { grads: tf.Tensor[]; stats: tf.Tensor1D; rowStats: tf.Tensor2D; codes: tf.Tensor1D } {
    const { architecture: arch, dSae: m } = this.shape;
    const rules = rulesOf(arch);
    const v = this.vars();
    const chunks = rowChunks(rows, this.maxChunkRows);
    return tf.tidy(() => {
      let batchThreshold: tf.Scalar | undefined;
      if (rules.training === 'batch-topk') {
        const kTotal = h.k * rows;
        // Each chunk's own top (k·B) contains every member of the batch's top (k·B) that lies in it.
        const tops = chunks.map(([r0, n]) => {
          const { pre } = preActivations(v, this.rowsTensor(x, r0, n));
          return tf.topk(pre.reshape([-1]), Math.min(kTotal, n * m), true).values;
        });
        batchThreshold = batchKthLargest(tf.concat(tops).reshape([1, -1]) as tf.Tensor2D, kTotal);
      }
      let aux: GradInputs['aux'];
      const nDead = dead ? dead.reduce((s, d) => s + d, 0) : 0;
      if (rules.auxK && dead && nDead > 0 && h.auxKCoefficient > 0) {
        // The normaliser Σ‖e − ē‖² is over the whole batch: with several chunks it needs its own forward pass;
        // with one, chunkGrads computes it from the residual it already has.
        let variance: tf.Scalar | undefined;
        if (chunks.length > 1) {
          const moments = chunks
            .map(([r0, n]) => residualMoments(v, this.rowsTensor(x, r0, n), arch, h.k, batchThreshold))
            .reduce((a, b) => a.add(b));
          const sumE = moments.slice([1], [-1]);
          variance = moments.slice([0], [1]).sub(sumE.square().sum().div(rows)).reshape([]) as tf.Scalar;
        }
        aux = { dead: tf.tensor1d(dead, 'float32'), kAux: Math.min(h.auxK, nDead), alpha: h.auxKCoefficient, variance };
      }
      const opts: GradInputs = {
        arch,
        batch: rows,
        k: h.k,
        lambda: h.sparsity,
        bandwidth: h.bandwidth,
        batchThreshold,
        aux,
      };
      let sum: tf.Tensor[] | undefined;
      let stats: tf.Tensor1D | undefined;
      let codes: tf.Tensor1D | undefined;
      const rowParts: tf.Tensor2D[] = [];
      for (const [r0, n] of chunks) {
        const c = chunkGrads(v, this.rowsTensor(x, r0, n), opts);
        const parts = [c.wEnc, c.bEnc, c.wDec, c.bDec, ...(c.logThreshold ? [c.logThreshold] : [])];
        sum = sum ? sum.map((s, i) => s.add(parts[i])) : parts;
        // Loss terms add across chunks except the min kept activation (index 2), which takes the minimum.
        stats = stats
          ? (tf.concat([
              stats.slice([0], [2]).add(c.stats.slice([0], [2])),
              stats.slice([2]).minimum(c.stats.slice([2])),
            ]) as tf.Tensor1D)
          : c.stats;
        codes = codes ? (codes.add(c.codes) as tf.Tensor1D) : c.codes;
        rowParts.push(c.rows);
      }
      return { grads: sum!, stats: stats!, rowStats: tf.concat(rowParts) as tf.Tensor2D, codes: codes! };
    });
  }

  /** MetricSums from a batch's host rows and the device's per-row and per-latent sums. */
  private async readSums(
    x: Float32Array,
    rows: number,
    rowStats: tf.Tensor2D,
    codes: tf.Tensor1D,
  ): Promise<MetricSums> {
    const { dIn: d, dSae: m } = this.shape;
    const [r, c] = (await Promise.all([rowStats.data(), codes.data()])) as Float32Array[];
    return sumsFromRows(x, rows, d, r, c.subarray(0, m), c[m]);
  }

  /** Raw gradients (no decoder projection, no clipping) and loss terms: for tests against the f64 reference. */
  async gradients(x: Float32Array, rows: number, h: SaeHyper, dead?: Uint8Array): Promise<RawGradients> {
    const { grads, stats, rowStats, codes } = this.gradTensors(x, rows, h, dead);
    const [wEnc, bEnc, wDec, bDec, logThreshold] = (await Promise.all(grads.map((g) => g.data()))) as Float32Array[];
    const s = (await stats.data()) as Float32Array;
    tf.dispose([...grads, stats, rowStats, codes]);
    return { wEnc, bEnc, wDec, bDec, logThreshold, mse: s[0], aux: s[1], loss: s[0] + s[1] };
  }

  async step(x: Float32Array, rows: number, h: SaeHyper, dead?: Uint8Array): Promise<StepResult> {
    const rules = rulesOf(this.shape.architecture);
    const { grads, stats, rowStats, codes } = this.gradTensors(x, rows, h, dead);
    // What Adam sees, and so what is clipped and reported: the decoder gradient without its parallel part.
    const ready = tf.tidy(() =>
      grads.map((g, i) =>
        rules.unitDecoder && i === 2 ? removeParallel(g as tf.Tensor2D, this.v.wDec as tf.Tensor2D) : g.clone(),
      ),
    );
    tf.dispose(grads);
    const normSq = tf.tidy(() => tf.addN(ready.map((g) => g.square().sum())));
    const [s, n2] = await Promise.all([stats.data() as Promise<Float32Array>, normSq.data()]);
    const gradNorm = Math.sqrt(n2[0]);
    const mse = s[0],
      aux = s[1];
    const finite = Number.isFinite(mse) && Number.isFinite(aux) && Number.isFinite(gradNorm);
    if (finite) {
      const scale = gradClipScale(gradNorm, h.gradClip);
      if (scale === 1) this.adam.apply(ready, h);
      else {
        const clipped = tf.tidy(() => ready.map((g) => g.mul(scale)));
        this.adam.apply(clipped, h);
        tf.dispose(clipped);
      }
      if (rules.unitDecoder)
        tf.tidy(() => {
          this.v.wDec!.assign(unitRows(this.v.wDec as tf.Tensor2D));
        });
      if (rules.threshold === 'estimated')
        this.batchThreshold = nextBatchThreshold(this.batchThreshold, s[2] < F32_MAX ? s[2] : null, this.adam.t, {
          startStep: h.thresholdStartStep,
          beta: h.thresholdEmaBeta,
        });
    }
    const sums = await this.readSums(x, rows, rowStats, codes);
    tf.dispose([...ready, stats, normSq, rowStats, codes]);
    return { mse, aux, loss: mse + aux, gradNorm, sums, finite };
  }

  private thetaTensor(): tf.Tensor1D | undefined {
    const { threshold } = rulesOf(this.shape.architecture);
    if (threshold === 'trained') return (this.v.logThreshold as tf.Tensor1D).exp();
    if (threshold === 'estimated' && this.batchThreshold !== null)
      return tf.fill([this.shape.dSae], this.batchThreshold) as tf.Tensor1D;
    return undefined;
  }

  private codes(x: tf.Tensor2D, k: number): tf.Tensor2D {
    const { pre } = preActivations(this.vars(), x);
    return pre.mul(inferenceGate(this.shape.architecture, pre, k, this.thetaTensor())) as tf.Tensor2D;
  }

  async evaluate(x: Float32Array, rows: number, k: number): Promise<MetricSums> {
    const { dIn: d, dSae: m } = this.shape;
    if (rows === 0) return emptySums(d, m);
    const { rowStats, codes } = tf.tidy(() => {
      const parts = rowChunks(rows, this.maxChunkRows).map(([r0, n]) => {
        const xt = this.rowsTensor(x, r0, n);
        const f = this.codes(xt, k);
        return {
          r: rowSums(xt, f.matMul(this.v.wDec as tf.Tensor2D).add(this.v.bDec!) as tf.Tensor2D),
          c: codeSums(f),
        };
      });
      return {
        rowStats: tf.concat(parts.map((p) => p.r)) as tf.Tensor2D,
        codes: parts.map((p) => p.c).reduce((a, b) => a.add(b)),
      };
    });
    const out = await this.readSums(x, rows, rowStats, codes);
    tf.dispose([rowStats, codes]);
    return out;
  }

  async encode(x: Float32Array, rows: number, k: number): Promise<Float32Array> {
    const f = tf.tidy(() =>
      tf.concat(rowChunks(rows, this.maxChunkRows).map(([r0, n]) => this.codes(this.rowsTensor(x, r0, n), k))),
    );
    const out = (await f.data()) as Float32Array;
    f.dispose();
    return out;
  }

  async read(): Promise<SaeParams> {
    const [wEnc, bEnc, wDec, bDec] = (await Promise.all(this.order.slice(0, 4).map((t) => t.data()))) as Float32Array[];
    const theta = this.thetaTensor();
    const threshold = theta
      ? ((await theta.data()) as Float32Array)
      : rulesOf(this.shape.architecture).threshold === 'estimated'
        ? new Float32Array(this.shape.dSae)
        : undefined;
    theta?.dispose();
    return { wEnc, bEnc, wDec, bDec, threshold };
  }

  /**
   * Everything a checkpoint holds, read as stored: JumpReLU's log θ itself (exp then log would not round-trip
   * bit-exactly), Adam moments in parameter order, BatchTopK's threshold.
   */
  async exportState(): Promise<SaeTrainerState> {
    const params = (await Promise.all(this.order.map((t) => t.data()))) as Float32Array[];
    const adam = await this.adam.state();
    return { t: adam.t, params, adamM: adam.m, adamV: adam.v, batchThreshold: this.batchThreshold, trainer: 'tfjs' };
  }

  /** A trainer continuing from a checkpoint's state (the decoder is taken as stored, not re-normalised). */
  static fromState(
    shape: SaeShape,
    state: SaeTrainerState,
    opts: Omit<TfjsSaeOptions, 'keepDecoder' | 'batchThreshold'> = {},
  ): TfjsSaeTrainer {
    const [wEnc, bEnc, wDec, bDec, logThreshold] = state.params;
    const t = new TfjsSaeTrainer(
      shape,
      { wEnc, bEnc, wDec, bDec },
      { ...opts, keepDecoder: true, batchThreshold: state.batchThreshold },
    );
    if (rulesOf(shape.architecture).threshold === 'trained') {
      if (!logThreshold) throw new Error('invalid SAE checkpoint: a JumpReLU state needs its log-threshold tensor');
      tf.tidy(() => {
        t.v.logThreshold!.assign(tf.tensor1d(logThreshold));
      });
    }
    t.restoreOptimizer({ t: state.t, m: state.adamM, v: state.adamV });
    return t;
  }

  /** Adam moments and step count, for a checkpoint. */
  optimizerState() {
    return this.adam.state();
  }
  restoreOptimizer(s: { t: number; m: Float32Array[]; v: Float32Array[] }) {
    this.adam.restore(s);
  }

  dispose(): void {
    this.adam.dispose();
    for (const t of this.order) t.dispose();
  }
}
