// Engine workloads written with tfjs ops. Runs on tfjs's WebGPU backend (over our own device) or its CPU
// backend; it is also the reference every hand-written WGSL kernel is tested against.

import * as tf from '@tensorflow/tfjs';
import type {
  CentredGram,
  DeviceMatrix,
  Engine,
  EngineInfo,
  KnnCosineOptions,
  LinearObjective,
  SaeTrainerStart,
} from '../../core/engine/engine';
import type { SaeShape, SaeTrainer } from '../../core/engine/sae-trainer';
import { centredGramHost } from '../../core/detect/covariance-stats';
import { checkKnnOptions, knnCosineScores } from '../../core/detect/knn-cosine';
import { rowQuadraticFormHost } from '../../core/detect/mahalanobis';
import { tfjsKnnCosine } from './knn-cosine';
import { chunkRowsFor, TfjsSaeTrainer } from './sae/trainer';
import { TfjsSaeEvaluator } from './sae-evaluator';
import { kernelsSupported } from '../cpu/kernels/heap';
import { cpuSaeTrainer } from '../cpu/sae-trainer';
import { CPU_OBJECTIVE_MAX_VALUES, cpuLinearObjective, cpuLinearScores } from '../cpu/linear-objective';

/**
 * Rows per Gram chunk: each chunk's f32 sums carry ~chunk·eps error at worst, and chunks are added in f64 on
 * the host, so N million rows cost no more precision than 4096 do (one cols² readback per chunk).
 */
const GRAM_CHUNK_ROWS = 4096;

class TfjsMatrix implements DeviceMatrix {
  /** @param host the uploaded values, kept on the CPU backend where the f64 host paths read them. */
  constructor(
    readonly tensor: tf.Tensor2D,
    readonly host?: Float32Array,
  ) {}
  get rows() {
    return this.tensor.shape[0];
  }
  get cols() {
    return this.tensor.shape[1];
  }
  dispose() {
    this.tensor.dispose();
  }
}

function matrixOf(x: DeviceMatrix): TfjsMatrix {
  if (!(x instanceof TfjsMatrix)) throw new Error('matrix was uploaded by a different engine');
  return x;
}

const tensorOf = (x: DeviceMatrix): tf.Tensor2D => matrixOf(x).tensor;
const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

export interface TfjsEngineOptions {
  /** Largest storage binding in bytes (WebGPU), so an SAE's [rows, d_sae] activations are chunked to fit. */
  maxBindingBytes?: number;
}

function splitParams(params: Float32Array, cols: number, outputs: number) {
  const w = tf.tensor2d(params.subarray(0, cols * outputs), [cols, outputs]);
  const b = tf.tensor1d(params.subarray(cols * outputs, cols * outputs + outputs));
  return { w, b };
}

/**
 * On the CPU backend the second-moment, quadratic-form and kNN workloads run as f64 host loops instead of tfjs
 * ops: more precise than tfjs-cpu's f32, and faster (tfjs-cpu's matmul and top-k measured 2–5× slower on 3000
 * trusted × 1000 query rows at d = 30 and 256).
 */
export class TfjsEngine implements Engine {
  constructor(
    readonly info: EngineInfo,
    private readonly options: TfjsEngineOptions = {},
  ) {}

  private get onHost(): boolean {
    return this.info.backend === 'cpu';
  }

  uploadMatrix(data: Float32Array, rows: number, cols: number): DeviceMatrix {
    if (data.length !== rows * cols) throw new Error(`matrix data has ${data.length} values, expected ${rows}×${cols}`);
    return new TfjsMatrix(tf.tensor2d(data, [rows, cols]), this.onHost ? data : undefined);
  }

  saeTrainer(shape: SaeShape, start: SaeTrainerStart): SaeTrainer {
    // On the CPU backend SAEs train on the WebAssembly SIMD kernels (src/engine/cpu), ~100× tfjs-cpu's ops.
    if (this.onHost && !('evaluate' in start) && kernelsSupported()) return cpuSaeTrainer(shape, start);
    const { maxBindingBytes } = this.options;
    const maxChunkRows = maxBindingBytes ? chunkRowsFor(shape.dSae, maxBindingBytes) : undefined;
    if ('resume' in start) return TfjsSaeTrainer.fromState(shape, start.resume, { maxChunkRows });
    if ('evaluate' in start) return new TfjsSaeEvaluator(shape, start.evaluate, maxChunkRows);
    return new TfjsSaeTrainer(shape, start.params, { maxChunkRows });
  }

  linearObjective(x: DeviceMatrix, targets: Int32Array, outputs: number, rowWeights?: Float32Array): LinearObjective {
    // On the CPU backend logistic fits run on the WebAssembly SIMD GEMM (src/engine/cpu), not tfjs-cpu's ops.
    const host = matrixOf(x).host;
    if (host && host.length <= CPU_OBJECTIVE_MAX_VALUES && kernelsSupported())
      return cpuLinearObjective(host, x.rows, x.cols, targets, outputs, rowWeights);
    const X = tensorOf(x);
    const [rows, cols] = X.shape;
    if (targets.length !== rows) throw new Error(`targets have ${targets.length} rows, matrix has ${rows}`);
    const weights = tf.tensor2d(rowWeights ?? new Float32Array(rows).fill(1), [rows, 1]);
    // Binary: y as a [rows, 1] float column; multinomial: one-hot [rows, K].
    const Y =
      outputs === 1
        ? tf.tensor2d(Float32Array.from(targets), [rows, 1])
        : tf.tidy(() => tf.oneHot(tf.tensor1d(targets, 'int32'), outputs).toFloat() as tf.Tensor2D);
    return {
      rows,
      cols,
      outputs,
      evaluate: async (params) => {
        const packed = tf.tidy(() => {
          const { w, b } = splitParams(params, cols, outputs);
          const z = X.matMul(w).add(b);
          let lossRows: tf.Tensor;
          let residual: tf.Tensor2D;
          if (outputs === 1) {
            lossRows = tf.softplus(z).sub(Y.mul(z));
            residual = tf.sigmoid(z).sub(Y).mul(weights) as tf.Tensor2D;
          } else {
            lossRows = tf.logSumExp(z, 1, true).sub(z.mul(Y).sum(1, true));
            residual = tf.softmax(z).sub(Y).mul(weights) as tf.Tensor2D;
          }
          const loss = lossRows.mul(weights).sum().reshape([1]);
          const gradW = X.matMul(residual, true, false).reshape([-1]);
          const gradB = residual.sum(0);
          return tf.concat([loss, gradW, gradB]);
        });
        // One readback per evaluation: loss and gradient travel together.
        const values = (await packed.data()) as Float32Array;
        packed.dispose();
        return { loss: values[0], grad: values.slice(1) };
      },
      dispose: () => {
        weights.dispose();
        Y.dispose();
      },
    };
  }

  async linearScores(x: DeviceMatrix, params: Float32Array, outputs: number): Promise<Float32Array> {
    const host = matrixOf(x).host;
    if (host && host.length <= CPU_OBJECTIVE_MAX_VALUES && kernelsSupported())
      return cpuLinearScores(host, x.rows, x.cols, params, outputs);
    const X = tensorOf(x);
    const z = tf.tidy(() => {
      const { w, b } = splitParams(params, X.shape[1], outputs);
      return X.matMul(w).add(b);
    });
    const values = (await z.data()) as Float32Array;
    z.dispose();
    return values;
  }

  async centredGram(x: DeviceMatrix, mean: Float64Array): Promise<CentredGram> {
    const X = tensorOf(x);
    const [rows, cols] = X.shape;
    if (mean.length !== cols) throw new Error(`mean has ${mean.length} values, matrix has ${cols} columns`);
    const host = matrixOf(x).host;
    if (host) return centredGramHost(host, cols, allRows(rows), mean);
    const mu = tf.tensor2d(Float32Array.from(mean), [1, cols]);
    const scatter = new Float64Array(cols * cols);
    let sumNormFourth = 0;
    try {
      for (let start = 0; start < rows; start += GRAM_CHUNK_ROWS) {
        const size = Math.min(GRAM_CHUNK_ROWS, rows - start);
        const packed = tf.tidy(() => {
          const c = X.slice([start, 0], [size, cols]).sub(mu);
          const gram = c.matMul(c, true, false).reshape([-1]);
          const norm4 = c.square().sum(1).square().sum().reshape([1]);
          return tf.concat([gram, norm4]);
        });
        const values = (await packed.data()) as Float32Array;
        packed.dispose();
        for (let i = 0; i < cols * cols; i++) scatter[i] += values[i];
        sumNormFourth += values[cols * cols];
      }
    } finally {
      mu.dispose();
    }
    return { scatter, sumNormFourth };
  }

  async rowQuadraticForm(x: DeviceMatrix, mean: Float64Array, m: Float64Array): Promise<Float32Array> {
    const X = tensorOf(x);
    const cols = X.shape[1];
    if (mean.length !== cols || m.length !== cols * cols) {
      throw new Error(
        `quadratic form needs mean [${cols}] and M [${cols}×${cols}]; got ${mean.length} and ${m.length} values`,
      );
    }
    const host = matrixOf(x).host;
    if (host) return Float32Array.from(rowQuadraticFormHost(host, cols, mean, m));
    const q = tf.tidy(() => {
      const c = X.sub(tf.tensor2d(Float32Array.from(mean), [1, cols]));
      return c
        .matMul(tf.tensor2d(Float32Array.from(m), [cols, cols]))
        .mul(c)
        .sum(1);
    });
    const values = (await q.data()) as Float32Array;
    q.dispose();
    return values;
  }

  async knnCosine(
    trusted: DeviceMatrix,
    query: DeviceMatrix,
    k: number,
    options: KnnCosineOptions = {},
  ): Promise<Float32Array> {
    const t = matrixOf(trusted),
      q = matrixOf(query);
    if (t.host && q.host) {
      checkKnnOptions(t, q, k, options);
      return Float32Array.from(
        knnCosineScores(
          t.host,
          t.cols,
          allRows(t.rows),
          allRows(q.rows),
          { k, excludeSelf: options.excludeSelf },
          q.host,
        ),
      );
    }
    return tfjsKnnCosine(t.tensor, q.tensor, k, options);
  }

  dispose(): void {}
}
