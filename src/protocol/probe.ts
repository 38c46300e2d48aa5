// The logistic probe job's data references, progress columns and result summary.
import type { SplitMetrics } from '../core/probes/logistic';
import type { StopReason } from '../core/optim/lbfgs';
import type { ArrayRef } from './files';
import type { SplitRef } from './split';

/** Where the rows for a supervised method come from. */
export interface LabelledDataRefs {
  activations: ArrayRef;
  labels: ArrayRef;
  /** Names for integer label codes, in code order, when the labels are integer indices. */
  classNames?: string[];
  split: SplitRef;
}

/** A logistic job's progress point, columnar and transferable, in this field order. */
export const LOGISTIC_PROGRESS_FIELDS = [
  'iteration',
  'objective',
  'gradMax',
  'trainLoss',
  'testLoss',
  'trainAccuracy',
  'testAccuracy',
  'trainAuroc',
  'testAuroc',
] as const;
export type LogisticProgressField = (typeof LOGISTIC_PROGRESS_FIELDS)[number];

export interface ProbeResultSummary {
  method: 'logistic';
  classes: string[];
  outputs: number;
  cols: number;
  /** W [cols, outputs] (standardized space), intercept [outputs], standardization mean/scale [cols]. */
  weights: Float64Array;
  intercept: Float64Array;
  mean: Float64Array;
  scale: Float64Array;
  train: SplitMetrics;
  test: SplitMetrics;
  iterations: number;
  reason: StopReason;
  /** Step at which the loss became NaN/Inf; the weights are the last finite ones. */
  divergedAt?: number;
  gradMax: number;
  lambdaMeanLoss: number;
  elapsedMs: number;
  trainRows: number;
  testRows: number;
  /** The split's row indices (into the activations), so the setup can be reproduced elsewhere; absent on runs saved before. */
  trainIdx?: Int32Array;
  testIdx?: Int32Array;
}
