// Scores a linear probe on the engine's device (WebGPU when available): for large files the N·D·K product is
// the only heavy part of applying a probe. The standardization is folded into the weights so the raw rows
// upload as they are:  ((x − m)/s)·W + b = x·(W/s) + (b − (m/s)·W).

import type { Engine } from '../engine/engine';
import type { LinearProbeModel } from './linear-probe';

export async function applyProbeOnEngine(
  engine: Engine,
  model: LinearProbeModel,
  x: Float32Array,
  rows: number,
  cols: number,
): Promise<Float32Array> {
  if (cols !== model.cols)
    throw new Error(`the probe expects ${model.cols} features per row; these activations have ${cols}`);
  if (x.length !== rows * cols) throw new Error(`activations have ${x.length} values; expected ${rows} × ${cols}`);
  const K = model.outputs;
  const { mean, scale } = model.standardization;
  const params = new Float32Array(cols * K + K);
  for (let k = 0; k < K; k++) {
    let b = model.intercept[k];
    for (let j = 0; j < cols; j++) {
      const w = model.weights[j * K + k] / scale[j];
      params[j * K + k] = w;
      b -= mean[j] * w;
    }
    params[cols * K + k] = b;
  }
  const device = engine.uploadMatrix(x, rows, cols);
  try {
    return await engine.linearScores(device, params, K);
  } finally {
    device.dispose();
  }
}
