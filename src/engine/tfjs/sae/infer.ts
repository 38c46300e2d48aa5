// Inference-mode SAE (evaluate sums, encode codes) as tfjs ops over fixed parameters, without the trainer's
// variables and Adam moments, and with θ exactly as given: what an imported dictionary is evaluated with.
import * as tf from '@tensorflow/tfjs';
import { emptySums, sumsFromRows, type MetricSums } from '../../../core/sae/metrics';
import { checkParamShapes, type SaeParams } from '../../../core/sae/params';
import { codeSums, inferenceGate, preActivations, rowChunks, rowSums, type SaeVars } from './ops';
import type { SaeShape } from '../../../core/engine/sae-trainer';

export class TfjsSaeInference {
  private readonly v: SaeVars;
  private readonly theta?: tf.Tensor1D;

  constructor(
    readonly shape: SaeShape,
    p: SaeParams,
    private readonly maxChunkRows = Infinity,
  ) {
    const { dIn: d, dSae: m, architecture } = shape;
    checkParamShapes(p, d, m, 'inference');
    this.v = {
      wEnc: tf.tensor2d(p.wEnc, [d, m]),
      bEnc: tf.tensor1d(p.bEnc),
      wDec: tf.tensor2d(p.wDec, [m, d]),
      bDec: tf.tensor1d(p.bDec),
    };
    if ((architecture === 'jumprelu' || architecture === 'batchtopk') && p.threshold)
      this.theta = tf.tensor1d(p.threshold);
  }

  private codes(x: Float32Array, r0: number, n: number, k: number): { xt: tf.Tensor2D; f: tf.Tensor2D } {
    const d = this.shape.dIn;
    const xt = tf.tensor2d(x.subarray(r0 * d, (r0 + n) * d), [n, d]);
    const { pre } = preActivations(this.v, xt);
    return { xt, f: pre.mul(inferenceGate(this.shape.architecture, pre, k, this.theta)) as tf.Tensor2D };
  }

  async evaluate(x: Float32Array, rows: number, k: number): Promise<MetricSums> {
    const { dIn: d, dSae: m } = this.shape;
    if (rows === 0) return emptySums(d, m);
    const { rowStats, codes } = tf.tidy(() => {
      const parts = rowChunks(rows, this.maxChunkRows).map(([r0, n]) => {
        const { xt, f } = this.codes(x, r0, n, k);
        return { r: rowSums(xt, f.matMul(this.v.wDec).add(this.v.bDec) as tf.Tensor2D), c: codeSums(f) };
      });
      return {
        rowStats: tf.concat(parts.map((p) => p.r)) as tf.Tensor2D,
        codes: parts.map((p) => p.c).reduce((a, b) => a.add(b)),
      };
    });
    const [r, c] = (await Promise.all([rowStats.data(), codes.data()])) as Float32Array[];
    tf.dispose([rowStats, codes]);
    return sumsFromRows(x, rows, d, r, c.subarray(0, m), c[m]);
  }

  async encode(x: Float32Array, rows: number, k: number): Promise<Float32Array> {
    const f = tf.tidy(() => tf.concat(rowChunks(rows, this.maxChunkRows).map(([r0, n]) => this.codes(x, r0, n, k).f)));
    const out = (await f.data()) as Float32Array;
    f.dispose();
    return out;
  }

  dispose(): void {
    tf.dispose([this.v.wEnc, this.v.bEnc, this.v.wDec, this.v.bDec]);
    this.theta?.dispose();
  }
}
