// One evaluation of class probabilities against labels: every metric researchers report, with seeded bootstrap
// intervals, the confusion matrix, the ROC curve (binary) and calibration. Shared by every probe method so
// train, validation and held-out rows are always measured the same way.

import { accuracy, argmaxRows, auroc, logLoss, macroAuroc } from '../math/metrics';
import { averagePrecision, balancedAccuracy, confusionMatrix, rocCurve, type RocCurve } from './binary-metrics';
import { bootstrapIntervals, type BootstrapOptions, type Interval } from './bootstrap';
import { reliabilityCurve, type ReliabilityCurve } from './calibration';

export interface MetricSet {
  accuracy: number | null;
  balancedAccuracy: number | null;
  /** Binary AUROC, or one-vs-rest macro AUROC for K > 2. */
  auroc: number | null;
  /** Binary AP, or one-vs-rest macro AP for K > 2. */
  averagePrecision: number | null;
  logLoss: number | null;
  rows: number;
}

export type MetricName = Exclude<keyof MetricSet, 'rows'>;
export const METRIC_NAMES: MetricName[] = ['accuracy', 'balancedAccuracy', 'auroc', 'averagePrecision', 'logLoss'];

export interface EvaluationReport {
  metrics: MetricSet;
  /** Bootstrap intervals per metric; absent when not requested. */
  intervals?: Record<MetricName, Interval | null>;
  /** [K, K], row = true class, column = predicted. */
  confusion: Int32Array;
  /** Binary only: ROC of the positive-class score. */
  roc: RocCurve | null;
  /** Binary: P(class 1) against the label; K > 2: top-class confidence against correctness. */
  reliability: ReliabilityCurve;
}

export interface EvalInput {
  /** [rows, K] class probabilities. */
  proba: Float64Array;
  classes: number;
  labels: Int32Array;
  /**
   * Binary only: the decision score (logit) ranking rows for AUROC/AP/ROC. Probabilities saturate to exactly
   * 1 in f64 beyond z ≈ 37 and would tie; logits do not. Defaults to P(class 1).
   */
  scores?: Float64Array;
}

export function metricSet(input: EvalInput, rows?: Int32Array): MetricSet {
  const { classes: K } = input;
  const sub = rows ? subset(input, rows) : input;
  const predicted = argmaxRows(sub.proba, K);
  let areaUnder: number | null;
  let ap: number | null;
  if (K === 2) {
    const s = sub.scores ?? Float64Array.from(sub.labels, (_, i) => sub.proba[2 * i + 1]);
    const pos = Uint8Array.from(sub.labels, (l) => (l === 1 ? 1 : 0));
    areaUnder = auroc(s, pos);
    ap = averagePrecision(s, pos);
  } else {
    areaUnder = macroAuroc(sub.proba, K, sub.labels);
    ap = macroAveragePrecision(sub.proba, K, sub.labels);
  }
  return {
    accuracy: accuracy(predicted, sub.labels),
    balancedAccuracy: balancedAccuracy(predicted, sub.labels, K),
    auroc: areaUnder,
    averagePrecision: ap,
    logLoss: logLoss(sub.proba, K, sub.labels),
    rows: sub.labels.length,
  };
}

export function evaluate(
  input: EvalInput,
  bootstrap?: Partial<BootstrapOptions>,
  reliabilityBins = 10,
): EvaluationReport {
  const { proba, classes: K, labels } = input;
  const n = labels.length;
  if (proba.length !== n * K)
    throw new Error(`probabilities have ${proba.length} values; expected rows × classes = ${n} × ${K}`);
  const metrics = metricSet(input);
  const predicted = argmaxRows(proba, K);
  let roc: RocCurve | null = null;
  let reliability: ReliabilityCurve;
  if (K === 2) {
    const p1 = Float64Array.from({ length: n }, (_, i) => proba[2 * i + 1]);
    roc = rocCurve(
      input.scores ?? p1,
      Array.from(labels, (l) => l === 1),
    );
    reliability = reliabilityCurve(
      p1,
      Array.from(labels, (l) => l === 1),
      reliabilityBins,
    );
  } else {
    const confidence = Float64Array.from({ length: n }, (_, i) => proba[i * K + predicted[i]]);
    reliability = reliabilityCurve(
      confidence,
      Array.from(labels, (l, i) => l === predicted[i]),
      reliabilityBins,
    );
  }
  const report: EvaluationReport = { metrics, confusion: confusionMatrix(predicted, labels, K), roc, reliability };
  if (bootstrap) {
    report.intervals = bootstrapIntervals(n, METRIC_NAMES, (sample) => metricSet(input, sample), bootstrap);
  }
  return report;
}

function subset(input: EvalInput, rows: Int32Array): EvalInput {
  const K = input.classes;
  const proba = new Float64Array(rows.length * K);
  for (let i = 0; i < rows.length; i++) for (let k = 0; k < K; k++) proba[i * K + k] = input.proba[rows[i] * K + k];
  return {
    proba,
    classes: K,
    labels: Int32Array.from(rows, (r) => input.labels[r]),
    scores: input.scores ? Float64Array.from(rows, (r) => input.scores![r]) : undefined,
  };
}

/** One-vs-rest AP averaged over the classes with at least one positive row; null if none. */
function macroAveragePrecision(proba: Float64Array, K: number, labels: Int32Array): number | null {
  let sum = 0;
  let count = 0;
  for (let k = 0; k < K; k++) {
    const col = Float64Array.from(labels, (_, i) => proba[i * K + k]);
    const ap = averagePrecision(
      col,
      Array.from(labels, (l) => l === k),
    );
    if (ap !== null) {
      sum += ap;
      count++;
    }
  }
  return count ? sum / count : null;
}
