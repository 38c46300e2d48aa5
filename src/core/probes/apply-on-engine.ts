// Scores a linear probe on the engine's device (WebGPU when available), for applying an imported probe to a whole
// file: the N·D·K product is the only heavy part. The probe's raw-space twin (rawSpaceWeights) is what runs, so the
// rows upload as they are: ((x − m)/s)·W + b = x·(W/s) + (b − (m/s)·W). Scores are f32, the engine's precision.

import type { Engine } from '../engine/engine';
import { rawSpaceWeights, type LinearProbeModel } from './linear-probe';

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
  const { weight, bias } = rawSpaceWeights(model);
  const params = new Float32Array(cols * K + K);
  params.set(weight);
  params.set(bias, cols * K);
  const device = engine.uploadMatrix(x, rows, cols);
  try {
    return await engine.linearScores(device, params, K);
  } finally {
    device.dispose();
  }
}
