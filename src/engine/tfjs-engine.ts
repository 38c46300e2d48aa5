// Engine workloads written with tfjs ops. Runs on tfjs's WebGPU backend (over our own device) or its CPU
// backend; it is also the reference every hand-written WGSL kernel is tested against.

import * as tf from '@tensorflow/tfjs';
import type { DeviceMatrix, Engine, EngineInfo, LinearObjective } from './engine';

class TfjsMatrix implements DeviceMatrix {
  constructor(readonly tensor: tf.Tensor2D) {}
  get rows() { return this.tensor.shape[0]; }
  get cols() { return this.tensor.shape[1]; }
  dispose() { this.tensor.dispose(); }
}

function tensorOf(x: DeviceMatrix): tf.Tensor2D {
  if (!(x instanceof TfjsMatrix)) throw new Error('matrix was uploaded by a different engine');
  return x.tensor;
}

function splitParams(params: Float32Array, cols: number, outputs: number) {
  const w = tf.tensor2d(params.subarray(0, cols * outputs), [cols, outputs]);
  const b = tf.tensor1d(params.subarray(cols * outputs, cols * outputs + outputs));
  return { w, b };
}

export class TfjsEngine implements Engine {
  constructor(readonly info: EngineInfo) {}

  uploadMatrix(data: Float32Array, rows: number, cols: number): DeviceMatrix {
    if (data.length !== rows * cols) throw new Error(`matrix data has ${data.length} values, expected ${rows}×${cols}`);
    return new TfjsMatrix(tf.tensor2d(data, [rows, cols]));
  }

  linearObjective(x: DeviceMatrix, targets: Int32Array, outputs: number, rowWeights?: Float32Array): LinearObjective {
    const X = tensorOf(x);
    const [rows, cols] = X.shape;
    if (targets.length !== rows) throw new Error(`targets have ${targets.length} rows, matrix has ${rows}`);
    const weights = tf.tensor2d(rowWeights ?? new Float32Array(rows).fill(1), [rows, 1]);
    // Binary: y as a [rows, 1] float column; multinomial: one-hot [rows, K].
    const Y = outputs === 1
      ? tf.tensor2d(Float32Array.from(targets), [rows, 1])
      : tf.tidy(() => tf.oneHot(tf.tensor1d(targets, 'int32'), outputs).toFloat() as tf.Tensor2D);
    return {
      rows, cols, outputs,
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
      dispose: () => { weights.dispose(); Y.dispose(); },
    };
  }

  async linearScores(x: DeviceMatrix, params: Float32Array, outputs: number): Promise<Float32Array> {
    const X = tensorOf(x);
    const z = tf.tidy(() => {
      const { w, b } = splitParams(params, X.shape[1], outputs);
      return X.matMul(w).add(b);
    });
    const values = (await z.data()) as Float32Array;
    z.dispose();
    return values;
  }

  dispose(): void {}
}
