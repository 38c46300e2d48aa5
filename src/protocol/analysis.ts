// The analysis jobs' specs and results: anomaly detectors, concept erasure, distribution fits, PCA, weight SVD and
// dataset statistics. Plain data with typed arrays, so results transfer without copies.
import type { ColumnStats } from '../core/stats/column-stats';
import type { LogisticConfig } from '../core/probes/logistic';
import type { CovarianceEstimator } from '../core/detect/mahalanobis';
import type { DetectorMetrics } from '../core/detect/detector-metrics';
import type { ScoreStandardization } from '../core/detect/combine-layers';
import type { ErasureCheckRow } from '../core/erasure/erasure-check';
import type { EraserJson } from '../core/erasure/eraser-export';
import type { ScoredFit } from '../core/dist/distribution-fits';
import type { ArrayRef } from './files';
import type { SplitRef } from './split';

export interface DetectorSpec {
  kind: 'detector';
  /** One [N, D_l] activation matrix per layer, rows aligned across layers. */
  layers: { name: string; activations: ArrayRef }[];
  /** Per row: 0 = trusted, anything else = untrusted (the positive class for AUROC/AP). */
  untrusted: ArrayRef;
  /** Trusted TRAIN rows fit the detector; metrics are on TEST rows only. */
  split: SplitRef;
  method: 'mahalanobis' | 'knn-cosine' | 'probe-range';
  estimator: CovarianceEstimator;
  k: number;
  /** Labels of a task on trusted rows, for 'probe-range' (the probe is trained on trusted train rows). */
  probeLabels?: ArrayRef;
  /** z-score each layer with trusted train statistics before fitting (scikit-learn reference does). */
  standardize: boolean;
}

export interface DetectorLayerResult {
  name: string;
  metrics: DetectorMetrics;
  /** Ledoit-Wolf shrinkage (Mahalanobis only), else null. */
  shrinkage: number | null;
  /** Scores of the test rows, in test-row order: the histogram data. */
  testScores: Float64Array;
  /** Mean and std of this layer's scores on the trusted TRAINING rows: how the combined detector scales it. */
  trainStandardization: ScoreStandardization;
}

export interface DetectorResult {
  kind: 'detector';
  method: DetectorSpec['method'];
  layers: DetectorLayerResult[];
  /**
   * Σ over layers of (test score − trusted-train mean) / trusted-train std, judged on the test rows only; null with
   * one layer.
   */
  combined: { metrics: DetectorMetrics; testScores: Float64Array } | null;
  /** 1 where a test row is untrusted. */
  testUntrusted: Uint8Array;
  trustedTrainRows: number;
  testRows: number;
  elapsedMs: number;
}

export interface ErasureSpec {
  kind: 'erasure';
  activations: ArrayRef;
  labels: ArrayRef;
  classNames?: string[];
  /** Erase "is <positiveClass>" (one-vs-rest); absent: erase the whole K-class concept. */
  positiveClass?: string;
  split: SplitRef;
  shrinkage: boolean;
  probe: LogisticConfig;
}

export interface ErasureResult {
  kind: 'erasure';
  classes: string[];
  majorityRate: number;
  /** Probe on original data, then after LEACE, mean-difference ablation, probe-direction projection. */
  checks: ErasureCheckRow[];
  /** Mean squared Euclidean displacement of the training rows, per method (same order as checks[1..]). */
  edits: number[];
  leace: EraserJson;
  elapsedMs: number;
}

export interface DistributionSpec {
  kind: 'distribution';
  values: Float64Array;
  seed: number;
}

export interface DistributionResult {
  kind: 'distribution';
  fits: ScoredFit[];
  n: number;
}

export interface PcaSpec {
  kind: 'pca';
  activations: ArrayRef;
  /** Metadata text per row shown on hover (a table column), optional. */
  metadata?: ArrayRef;
  /** Labels to colour points by, optional. */
  labels?: ArrayRef;
  /** Names of integer label codes (a class-name file), for the legend. */
  classNames?: string[];
  components: number;
  pair: [number, number];
  /** At most this many rows are returned for the scatter (seeded sample, reported, never silent). */
  maxPoints: number;
  seed: number;
  standardize: boolean;
}

export interface PcaResult {
  kind: 'pca';
  explainedVarianceRatio: Float64Array;
  singularValues: Float64Array;
  xs: Float64Array;
  ys: Float64Array;
  rowIndex: Int32Array;
  rowText?: string[];
  /** Label (as text, a class name when names were given) of each returned point, when labels were given. */
  rowLabel?: string[];
  /** Every class of the labels in code order (sorted label values): the legend's order. */
  classes?: string[];
  totalRows: number;
  sampled: boolean;
}

export interface SvdSpec {
  kind: 'svd';
  /** A 2-D tensor (probe weights [D, K], decoder [m, D]); or inline values. */
  weights: ArrayRef | { rows: number; cols: number; values: Float64Array };
  k: number;
}

export interface SvdResult {
  kind: 'svd';
  rows: number;
  cols: number;
  singularValues: Float64Array;
  left: Float64Array;
  right: Float64Array;
  k: number;
}

/** Per-dimension statistics and row norms of the chosen activations (the dataset panel). */
export interface StatsSpec {
  kind: 'stats';
  activations: ArrayRef;
}

export interface StatsResult extends ColumnStats {
  kind: 'stats';
  /** Rows dropped as non-finite under the activations ref's option, if any. */
  droppedRows: number;
}

export type AnalysisSpec = DetectorSpec | ErasureSpec | DistributionSpec | PcaSpec | SvdSpec | StatsSpec;
export type AnalysisResult = DetectorResult | ErasureResult | DistributionResult | PcaResult | SvdResult | StatsResult;
