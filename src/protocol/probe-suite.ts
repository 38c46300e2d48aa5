// The probe suite's jobs beyond the logistic probe (mass-mean, LDA, ridge, CCS, layer sweep, regularization path,
// transfer matrix, applying an imported probe): their specs, evaluation options and results.
import type { BootstrapOptions } from '../core/eval/bootstrap';
import type { EvaluationReport, MetricName } from '../core/eval/report';
import type { ClassHistograms } from '../core/stats/histogram';
import type { PlattScaling } from '../core/eval/platt';
import type { TransferMatrix } from '../core/eval/transfer';
import type { LinearProbeModel } from '../core/probes/linear-probe';
import type { MassMeanConfig } from '../core/probes/mass-mean';
import type { LdaConfig } from '../core/probes/lda';
import type { RegressionMetrics, RidgeConfig } from '../core/probes/ridge';
import type { CcsConfig } from '../core/probes/ccs';
import type { LayerSweepConfig } from '../core/probes/layer-sweep';
import type { ProbeSweepConfig, SweepCell, SweepSetting } from '../core/probes/probe-sweep';
import type { PathPoint, RegularizationPathConfig } from '../core/probes/regularization-path';
import type { LogisticConfig, SplitMetrics } from '../core/probes/logistic';
import type { ArrayRef } from './files';
import type { LabelledDataRefs } from './probe';
import type { SplitRef } from './split';

/**
 * A probe-sweep cell as it streams while the sweep runs: all the heat map shows of it (held-out metrics with their
 * bootstrap intervals, CV means, train metrics). Its fitted probe arrives with the finished result.
 */
export type StreamedSweepCell = Omit<SweepCell, 'model'>;

/** How every classification result is evaluated. */
export interface SuiteEvalOptions {
  bootstrap: BootstrapOptions;
  /** Bins of the per-class score histograms and of the reliability curve. */
  histogramBins: number;
  reliabilityBins: number;
  /**
   * Fit Platt scaling cross-fitted on the TRAINING rows (out-of-fold scores, as scikit-learn's
   * CalibratedClassifierCV(method='sigmoid', ensemble=False)) and report held-out calibration before and after.
   */
  platt: boolean;
  /** The cross-fitting's stratified folds and their seed; DEFAULT_PLATT_FOLDS when absent. */
  plattFolds?: { folds: number; seed: number };
  /** Also evaluate on a separate file (train on a trusted file, evaluate on an untrusted one). */
  external?: { activations: ArrayRef; labels: ArrayRef; name: string };
}

export const DEFAULT_SUITE_EVAL: SuiteEvalOptions = {
  bootstrap: { samples: 1000, seed: 0, level: 0.95 },
  histogramBins: 40,
  reliabilityBins: 10,
  platt: false,
};

export const DEFAULT_PLATT_FOLDS = { folds: 5, seed: 0 };

/** Labels and split shared by several layers' activations (a layer sweep, a probe sweep). */
export type LayersDataRefs = Omit<LabelledDataRefs, 'activations'> & {
  layers: { name: string; activations: ArrayRef }[];
};

/** A probe sweep: its grid and the stratified folds of the training rows every cell shares. */
export interface ProbeSweepSpecConfig extends ProbeSweepConfig {
  folds: number;
  seed: number;
}

export type ProbeSuiteSpec =
  | { method: 'mass-mean'; data: LabelledDataRefs; config: MassMeanConfig; eval: SuiteEvalOptions }
  | { method: 'lda'; data: LabelledDataRefs; config: LdaConfig; eval: SuiteEvalOptions }
  | { method: 'ridge'; data: { activations: ArrayRef; targets: ArrayRef; split: SplitRef }; config: RidgeConfig }
  | {
      method: 'ccs';
      data: { xPlus: ArrayRef; xMinus: ArrayRef; labels?: ArrayRef; split: SplitRef };
      config: CcsConfig;
      eval: SuiteEvalOptions;
    }
  | { method: 'layer-sweep'; data: LayersDataRefs; config: LayerSweepConfig; eval: SuiteEvalOptions }
  | { method: 'probe-sweep'; data: LayersDataRefs; config: ProbeSweepSpecConfig; eval: SuiteEvalOptions }
  | { method: 'regularization-path'; data: LabelledDataRefs; config: RegularizationPathConfig; eval: SuiteEvalOptions }
  | {
      method: 'transfer';
      sets: { name: string; data: LabelledDataRefs }[];
      config: LogisticConfig;
      metric: 'accuracy' | 'auroc';
    }
  | {
      method: 'apply-probe';
      probe: { name: string; bytes: Uint8Array };
      activations: ArrayRef;
      labels?: ArrayRef;
      classNames?: string[];
    };

export type ProbeSuiteMethod = ProbeSuiteSpec['method'];

/** One side (train / held-out / external) of a classification result. */
export interface EvaluatedSide {
  report: EvaluationReport;
  rows: Int32Array;
  /** [rows, K] probabilities, for per-row export beside the metadata. */
  proba: Float64Array;
  /** Binary: the decision score per row (logit, or CCS credence); K > 2: P(true class). */
  scores: Float64Array;
}

export interface ClassificationOutcome {
  model: LinearProbeModel;
  classes: string[];
  train: EvaluatedSide;
  test: EvaluatedSide;
  /** Train and held-out histograms on shared edges. */
  histograms: { train: ClassHistograms; test: ClassHistograms };
  /** Platt scaling cross-fitted on `folds` seeded folds of the training rows, applied to the held-out scores. */
  platt?: {
    scaling: PlattScaling;
    folds: number;
    seed: number;
    testEceBefore: number | null;
    testEceAfter: number | null;
  };
  external?: { name: string; side: EvaluatedSide; gap: Record<MetricName, number | null> };
  /** Things the UI must say beside the numbers (e.g. "sign fixed with labels"). */
  notes: string[];
}

export type ProbeSuiteResult =
  | ({ method: 'mass-mean' } & ClassificationOutcome & { elapsedMs: number })
  | ({ method: 'lda' } & ClassificationOutcome & { elapsedMs: number })
  | ({ method: 'ccs' } & ClassificationOutcome & {
        elapsedMs: number;
        loss: number;
        restartLosses: number[];
        signFlipped: boolean;
      })
  | {
      method: 'ridge';
      model: LinearProbeModel;
      train: RegressionMetrics;
      test: RegressionMetrics;
      testPredictions: Float64Array;
      testRows: Int32Array;
      elapsedMs: number;
    }
  | {
      method: 'layer-sweep';
      names: string[];
      validation: SplitMetrics[];
      train: SplitMetrics[];
      test: SplitMetrics[];
      chosen: number;
      validationRows: number;
      best: ClassificationOutcome;
      elapsedMs: number;
    }
  | {
      method: 'probe-sweep';
      /** Row names (layers) and column settings of the grid. */
      names: string[];
      settings: SweepSetting[];
      /** [layer][setting]. */
      cells: SweepCell[][];
      /** The cell chosen by mean CV metric on the shared folds. */
      best: { layer: number; setting: number };
      folds: number;
      foldSeed: number;
      selectBy: ProbeSweepConfig['selectBy'];
      /** The chosen cell's probe evaluated as any single probe (intervals, ROC, histograms, exports). */
      bestOutcome: ClassificationOutcome;
      elapsedMs: number;
    }
  | {
      method: 'regularization-path';
      points: PathPoint[];
      bestIndex: number;
      best: ClassificationOutcome;
      elapsedMs: number;
    }
  | { method: 'transfer'; matrix: TransferMatrix; metric: 'accuracy' | 'auroc'; elapsedMs: number }
  | {
      method: 'apply-probe';
      model: LinearProbeModel;
      proba: Float64Array | null;
      predictions: Float64Array;
      report: EvaluationReport | null;
      elapsedMs: number;
    };

/** Progress columns per method, announced in onStart. */
export const SUITE_PROGRESS_FIELDS = {
  'layer-sweep': ['layer', 'validationAccuracy', 'trainAccuracy', 'testAccuracy', 'testAuroc'],
  'probe-sweep': ['cell', 'layer', 'setting', 'cvAccuracy', 'testAccuracy', 'testAuroc'],
  'regularization-path': ['log10C', 'validationLogLoss', 'validationAccuracy', 'trainAccuracy'],
  transfer: ['trainedOn'],
} as const;
