// The portable SAE trainer: parameters as tfjs variables, hand-written gradients (tfjs-sae-ops.ts), our own
// Adam so every hyperparameter can change between steps, batches split into row chunks that fit one binding.
import * as tf from '@tensorflow/tfjs';
import type { SaeTrainerState } from '../../../core/sae/checkpoint';
import { emptySums, type MetricSums } from '../../../core/sae/metrics';
import { checkParamShapes, type SaeParams } from '../../../core/sae/params';
import { TfjsAdam } from './adam';
import type { SaeHyper, SaeShape, SaeTrainer, StepResult } from '../../../core/engine/sae-trainer';
import {
  batchKthLargest,
  chunkGrads,
  F32_MAX,
  inferenceGate,
  packedSums,
  preActivations,
  removeParallel,
  residualMoments,
  unitRows,
  type GradInputs,
  type SaeVars,
} from './ops';

export interface TfjsSaeOptions {
  /** Rows per chunk so [rows, m] activations fit one storage binding; Infinity on CPU. */
  maxChunkRows?: number;
  /** BatchTopK's EMA threshold carried over (a checkpoint); null until the first step. */
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
  /** BatchTopK inference threshold θ (EMA of the smallest kept activation), f64 on the host. */
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
    const unit = (architecture === 'topk' || architecture === 'batchtopk') && !opts.keepDecoder;
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
        architecture === 'jumprelu'
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

  private chunks(rows: number): Array<[number, number]> {
    const per = Math.min(rows, this.maxChunkRows);
    const out: Array<[number, number]> = [];
    for (let r = 0; r < rows; r += per) out.push([r, Math.min(per, rows - r)]);
    return out;
  }

  private rowsTensor(x: Float32Array, r0: number, n: number): tf.Tensor2D {
    const d = this.shape.dIn;
    return tf.tensor2d(x.subarray(r0 * d, (r0 + n) * d), [n, d]);
  }

  /** Summed raw gradients and stats over all chunks, as tensors the caller owns. */
  private gradTensors(
    x: Float32Array,
    rows: number,
    h: SaeHyper,
    dead?: Uint8Array,
  ): { grads: tf.Tensor[]; stats: tf.Tensor1D } {
    const { architecture: arch, dSae: m } = this.shape;
    const v = this.vars();
    const chunks = this.chunks(rows);
    return tf.tidy(() => {
      let batchThreshold: tf.Scalar | undefined;
      if (arch === 'batchtopk') {
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
      if ((arch === 'topk' || arch === 'batchtopk') && dead && nDead > 0 && h.auxKCoefficient > 0) {
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
      for (const [r0, n] of chunks) {
        const c = chunkGrads(v, this.rowsTensor(x, r0, n), opts);
        const parts = [c.wEnc, c.bEnc, c.wDec, c.bDec, ...(c.logThreshold ? [c.logThreshold] : [])];
        sum = sum ? sum.map((s, i) => s.add(parts[i])) : parts;
        // Stats add across chunks except the min kept activation (index 2), which takes the minimum.
        stats = stats
          ? (tf.concat([
              stats.slice([0], [2]).add(c.stats.slice([0], [2])),
              stats.slice([2], [1]).minimum(c.stats.slice([2], [1])),
              stats.slice([3]).add(c.stats.slice([3])),
            ]) as tf.Tensor1D)
          : c.stats;
      }
      return { grads: sum!, stats: stats! };
    });
  }

  /** Raw gradients (no decoder projection, no clipping) and loss terms: for tests against the f64 reference. */
  async gradients(x: Float32Array, rows: number, h: SaeHyper, dead?: Uint8Array): Promise<RawGradients> {
    const { grads, stats } = this.gradTensors(x, rows, h, dead);
    const [wEnc, bEnc, wDec, bDec, logThreshold] = (await Promise.all(grads.map((g) => g.data()))) as Float32Array[];
    const s = (await stats.data()) as Float32Array;
    tf.dispose([...grads, stats]);
    return { wEnc, bEnc, wDec, bDec, logThreshold, mse: s[0], aux: s[1], loss: s[0] + s[1] };
  }

  async step(x: Float32Array, rows: number, h: SaeHyper, dead?: Uint8Array): Promise<StepResult> {
    const { architecture: arch } = this.shape;
    const { grads, stats } = this.gradTensors(x, rows, h, dead);
    const normSq = tf.tidy(() => tf.addN(grads.map((g) => g.square().sum())));
    const [s, n2] = await Promise.all([stats.data() as Promise<Float32Array>, normSq.data()]);
    const gradNorm = Math.sqrt(n2[0]);
    const mse = s[0],
      aux = s[1];
    const finite = Number.isFinite(mse) && Number.isFinite(aux) && Number.isFinite(gradNorm);
    if (finite) {
      const clip = h.gradClip !== null && gradNorm > h.gradClip ? h.gradClip / gradNorm : 1;
      const unit = arch === 'topk' || arch === 'batchtopk';
      const ready = tf.tidy(() =>
        grads.map((g, i) => {
          const projected = unit && i === 2 ? removeParallel(g as tf.Tensor2D, this.v.wDec as tf.Tensor2D) : g;
          return clip === 1 ? projected.clone() : projected.mul(clip);
        }),
      );
      this.adam.apply(ready, h);
      tf.dispose(ready);
      if (unit)
        tf.tidy(() => {
          this.v.wDec!.assign(unitRows(this.v.wDec as tf.Tensor2D));
        });
      // BatchTopK: θ ← β·θ + (1 − β)·min kept activation; the first batch sets it (dictionary_learning's EMA).
      if (arch === 'batchtopk' && s[2] < F32_MAX) {
        this.batchThreshold =
          this.batchThreshold === null
            ? s[2]
            : h.thresholdEmaBeta * this.batchThreshold + (1 - h.thresholdEmaBeta) * s[2];
      }
    }
    tf.dispose([...grads, stats, normSq]);
    return {
      mse,
      aux,
      loss: mse + aux,
      gradNorm,
      sums: unpackSums(s.subarray(3), this.shape.dIn, this.shape.dSae, rows),
      finite,
    };
  }

  private thetaTensor(): tf.Tensor1D | undefined {
    if (this.shape.architecture === 'jumprelu') return (this.v.logThreshold as tf.Tensor1D).exp();
    if (this.shape.architecture === 'batchtopk' && this.batchThreshold !== null)
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
    const total = tf.tidy(() =>
      this.chunks(rows)
        .map(([r0, n]) => {
          const xt = this.rowsTensor(x, r0, n);
          const f = this.codes(xt, k);
          return packedSums(xt, f.matMul(this.v.wDec as tf.Tensor2D).add(this.v.bDec!) as tf.Tensor2D, f);
        })
        .reduce((a, b) => a.add(b)),
    );
    const s = (await total.data()) as Float32Array;
    total.dispose();
    return unpackSums(s, d, m, rows);
  }

  async encode(x: Float32Array, rows: number, k: number): Promise<Float32Array> {
    const f = tf.tidy(() => tf.concat(this.chunks(rows).map(([r0, n]) => this.codes(this.rowsTensor(x, r0, n), k))));
    const out = (await f.data()) as Float32Array;
    f.dispose();
    return out;
  }

  async read(): Promise<SaeParams> {
    const [wEnc, bEnc, wDec, bDec] = (await Promise.all(this.order.slice(0, 4).map((t) => t.data()))) as Float32Array[];
    const theta = this.thetaTensor();
    const threshold = theta
      ? ((await theta.data()) as Float32Array)
      : this.shape.architecture === 'batchtopk'
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
    if (shape.architecture === 'jumprelu') {
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

/** Inverse of packedSums' layout: [sqErr, sqX, dot, sqXHat, sumCos, cosRows, l0, l1, sumX(d), fires(m)]. */
export function unpackSums(s: Float32Array, d: number, m: number, rows: number): MetricSums {
  return {
    rows,
    sqErr: s[0],
    sqX: s[1],
    dotXHatX: s[2],
    sqXHat: s[3],
    sumCos: s[4],
    cosRows: s[5],
    l0: s[6],
    l1: s[7],
    sumX: Float64Array.from(s.subarray(8, 8 + d)),
    fires: Float64Array.from(s.subarray(8 + d, 8 + d + m)),
  };
}
