// The one shape every linear probe takes once trained (logistic, mass-mean, LDA, ridge, CCS), so evaluation,
// export and "apply to a new file" treat them alike: scores = ((x − mean) / scale) · W + b, in f64 on the host.

import { scoresToProba } from './linear-scores';
import type { Standardization } from '../math/standardize';
import type { LogisticProbe } from './logistic';

export type ProbeMethod = 'logistic' | 'mass-mean' | 'mass-mean-iid' | 'lda' | 'ridge' | 'ccs';

export interface LinearProbeModel {
  method: ProbeMethod;
  cols: number;
  /** W [cols, outputs] row-major, in the standardized feature space. */
  weights: Float64Array;
  /** b [outputs]. */
  intercept: Float64Array;
  /** 1 for binary (a logit) or regression; K for multinomial scores. */
  outputs: number;
  /** Class names in code order; empty for regression. */
  classes: string[];
  /** What a new row must be standardized with; from the training rows only. */
  standardization: Standardization;
  /** How a score becomes an output: 'logit' (sigmoid / softmax) or 'identity' (regression). */
  link: 'logit' | 'identity';
  /** CCS only: the second side's (x_minus) own centring statistics; `standardization` is x_plus's. */
  pairStandardization?: Standardization;
}

export function fromLogisticProbe(p: LogisticProbe): LinearProbeModel {
  return {
    method: 'logistic',
    cols: p.standardization.mean.length,
    weights: p.weights,
    intercept: p.intercept,
    outputs: p.outputs,
    classes: p.classes,
    standardization: p.standardization,
    link: 'logit',
  };
}

/**
 * The same probe in activation space: scores = x · W_raw + b_raw with W_raw = W / scale (per input row of W) and
 * b_raw = b − Σ_j mean_j · W_raw[j]. What a researcher dots with raw activations, e.g. as a steering direction.
 */
export function rawSpaceWeights(model: LinearProbeModel): { weight: Float64Array; bias: Float64Array } {
  const K = model.outputs;
  const { mean, scale } = model.standardization;
  const weight = new Float64Array(model.cols * K);
  const bias = Float64Array.from(model.intercept);
  for (let j = 0; j < model.cols; j++) {
    for (let k = 0; k < K; k++) {
      const w = model.weights[j * K + k] / scale[j];
      weight[j * K + k] = w;
      bias[k] -= mean[j] * w;
    }
  }
  return { weight, bias };
}

/** Scores [rows, outputs] of the given rows (all rows when omitted) of an [N, cols] matrix, f64. */
export function applyProbe(
  model: LinearProbeModel,
  x: Float32Array,
  cols: number,
  rows?: ArrayLike<number>,
  standardization = model.standardization,
): Float64Array {
  if (cols !== model.cols)
    throw new Error(`the probe expects ${model.cols} features per row; these activations have ${cols}`);
  const n = rows ? rows.length : x.length / cols;
  const K = model.outputs;
  const { mean, scale } = standardization;
  const out = new Float64Array(n * K);
  const z = new Float64Array(cols);
  for (let i = 0; i < n; i++) {
    const o = (rows ? rows[i] : i) * cols;
    for (let j = 0; j < cols; j++) z[j] = (x[o + j] - mean[j]) / scale[j];
    for (let k = 0; k < K; k++) {
      let s = model.intercept[k];
      for (let j = 0; j < cols; j++) s += z[j] * model.weights[j * K + k];
      out[i * K + k] = s;
    }
  }
  return out;
}

/** Binary logits [n] → [n, 2] probabilities; K scores → softmax [n, K]: the one implementation, shared with the logistic probe. */
export const probaFromScores = scoresToProba;

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Labels of the given rows. */
export function gatherLabels(labels: Int32Array, rows: ArrayLike<number>): Int32Array {
  return Int32Array.from({ length: rows.length }, (_, i) => labels[rows[i]]);
}
