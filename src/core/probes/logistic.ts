// Logistic (binary) and multinomial probes trained full-batch on the engine, minimising scikit-learn's
// objective  C·Σ_i s_i ℓ_i + ½‖W‖²  (intercept unpenalised) on z-scored features. The host optimiser works
// on the equivalent mean form  (1/N)Σ s_i ℓ_i + ‖W‖²/(2CN)  so tolerances do not depend on N.
// Precision: the engine computes losses and gradients in f32; the optimiser state is f64.

import type { DeviceMatrix, Engine } from '../engine/engine';
import { packedParamCount } from '../engine/engine';
import { minimizeLbfgs, type StopReason } from '../optim/lbfgs';
import { classCounts } from '../labels/encode-labels';
import { accuracy, argmaxRows, auroc, logLoss, macroAuroc } from '../math/metrics';
import {
  fitStandardization,
  identityStandardization,
  standardizeRows,
  type Standardization,
} from '../math/standardize';
import type { Split } from '../split/split';
import { scoresToProba } from './linear-scores';

/** Relative change of an f32 sum that is still signal: a few ulps of f32 (2^-23 ≈ 1.2e-7). */
const F32_RESOLUTION = 2 ** -21;

export interface LogisticConfig {
  /** Inverse L2 strength, scikit-learn's C (multiplies the SUM of losses). */
  C: number;
  optimizer: 'lbfgs' | 'adam';
  /** Adam step size; unused by L-BFGS. */
  learningRate: number;
  maxIter: number;
  /** Convergence: max |gradient| of the mean objective. */
  tol: number;
  standardize: boolean;
  classWeight: 'none' | 'balanced';
}

export const DEFAULT_LOGISTIC: LogisticConfig = {
  C: 1,
  optimizer: 'lbfgs',
  learningRate: 0.05,
  maxIter: 500,
  tol: 1e-6,
  standardize: true,
  classWeight: 'none',
};

export interface ProbeDataset {
  /** [rows, cols] row-major activations. */
  x: Float32Array;
  rows: number;
  cols: number;
  /** Class code per row, 0..classes.length−1. */
  labels: Int32Array;
  classes: string[];
}

export interface SplitMetrics {
  accuracy: number | null;
  /** Binary AUROC, or one-vs-rest macro AUROC for K > 2; null when undefined. */
  auroc: number | null;
  logLoss: number | null;
  rows: number;
}

export interface ProbeProgress {
  iteration: number;
  objective: number;
  gradMax: number;
  train: SplitMetrics;
  test: SplitMetrics;
}

export interface LogisticProbe {
  /** W [cols, outputs] in standardized feature space, row-major; outputs = 1 for binary. */
  weights: Float64Array;
  intercept: Float64Array;
  outputs: number;
  classes: string[];
  standardization: Standardization;
  /** Equivalent mean-loss penalty λ = 1/(2CN) for users coming from elk. */
  lambdaMeanLoss: number;
}

export interface LogisticResult {
  probe: LogisticProbe;
  train: SplitMetrics;
  test: SplitMetrics;
  testProba: Float64Array;
  iterations: number;
  reason: StopReason;
  gradMax: number;
  /** Step at which the loss became NaN/Inf; the returned probe is the last finite one. */
  divergedAt?: number;
}

export interface TrainHooks {
  /** Progress after an optimiser step; called at most every `progressEveryMs`. */
  onProgress?: (p: ProbeProgress) => void;
  progressEveryMs?: number;
  /** Polled between steps; true stops the run (a newer job superseded it). */
  cancelled?: () => boolean;
}

export async function trainLogisticProbe(
  engine: Engine,
  data: ProbeDataset,
  split: Split,
  config: LogisticConfig,
  hooks: TrainHooks = {},
): Promise<LogisticResult> {
  validateConfig(config);
  const K = data.classes.length;
  if (K < 2) throw new Error(`need at least two classes to train a probe; the labels have ${K}`);
  const outputs = K === 2 ? 1 : K;
  const { cols } = data;
  const nTrain = split.train.length;
  const trainLabels = gather(data.labels, split.train);
  const testLabels = gather(data.labels, split.test);
  const presentInTrain = classCounts(data.labels, split.train, K);
  if (presentInTrain.some((c) => c === 0)) {
    throw new Error(
      `class '${data.classes[presentInTrain.findIndex((c) => c === 0)]}' has no training rows; change the split`,
    );
  }

  const standardization = config.standardize
    ? fitStandardization(data.x, cols, split.train)
    : identityStandardization(cols);
  const xTrain = engine.uploadMatrix(standardizeRows(data.x, cols, split.train, standardization), nTrain, cols);
  const xTest = engine.uploadMatrix(
    standardizeRows(data.x, cols, split.test, standardization),
    split.test.length,
    cols,
  );
  const rowWeights = config.classWeight === 'balanced' ? balancedWeights(trainLabels, presentInTrain) : undefined;
  const objective = engine.linearObjective(xTrain, trainLabels, outputs, rowWeights);
  const nW = cols * outputs;
  const penaltyScale = 1 / (config.C * nTrain);

  const evaluateMean = async (theta: Float64Array) => {
    const { loss, grad } = await objective.evaluate(Float32Array.from(theta));
    let penalty = 0;
    const g = new Float64Array(theta.length);
    for (let i = 0; i < theta.length; i++) g[i] = grad[i] / nTrain;
    for (let i = 0; i < nW; i++) {
      penalty += theta[i] * theta[i];
      g[i] += penaltyScale * theta[i];
    }
    return { f: loss / nTrain + 0.5 * penaltyScale * penalty, g };
  };

  const measure = async (theta: Float64Array) => {
    const [train, test] = await Promise.all([
      splitMetrics(engine, xTrain, theta, outputs, K, trainLabels),
      splitMetrics(engine, xTest, theta, outputs, K, testLabels),
    ]);
    return { train, test };
  };

  let lastReport = -Infinity;
  const every = hooks.progressEveryMs ?? 50;
  const onIter = async (iteration: number, theta: Float64Array, f: number, gradMax: number) => {
    if (hooks.cancelled?.()) return false;
    const now = performance.now();
    if (hooks.onProgress && now - lastReport >= every) {
      lastReport = now;
      const { train, test } = await measure(theta);
      hooks.onProgress({ iteration, objective: f, gradMax, train: train.metrics, test: test.metrics });
    }
    return !hooks.cancelled?.();
  };

  try {
    const theta0 = new Float64Array(packedParamCount(cols, outputs));
    const run =
      config.optimizer === 'lbfgs'
        ? await minimizeLbfgs(evaluateMean, theta0, {
            gtol: config.tol,
            maxIter: config.maxIter,
            ftolRel: F32_RESOLUTION,
            onIter,
          })
        : await minimizeAdam(evaluateMean, theta0, config, onIter);
    const { train, test } = await measure(run.x);
    hooks.onProgress?.({
      iteration: run.iterations,
      objective: run.f,
      gradMax: run.gradMax,
      train: train.metrics,
      test: test.metrics,
    });
    return {
      probe: {
        weights: run.x.slice(0, nW),
        intercept: run.x.slice(nW),
        outputs,
        classes: data.classes,
        standardization,
        lambdaMeanLoss: 1 / (2 * config.C * nTrain),
      },
      train: train.metrics,
      test: test.metrics,
      testProba: test.proba,
      iterations: run.iterations,
      reason: run.reason,
      gradMax: run.gradMax,
      divergedAt: 'divergedAt' in run ? run.divergedAt : undefined,
    };
  } finally {
    objective.dispose();
    xTrain.dispose();
    xTest.dispose();
  }
}

async function splitMetrics(
  engine: Engine,
  x: DeviceMatrix,
  theta: Float64Array,
  outputs: number,
  classes: number,
  labels: Int32Array,
): Promise<{ metrics: SplitMetrics; proba: Float64Array }> {
  const scores = await engine.linearScores(x, Float32Array.from(theta), outputs);
  const proba = scoresToProba(scores, outputs);
  const predicted = argmaxRows(proba, classes);
  let areaUnder: number | null;
  if (classes === 2) {
    areaUnder = auroc(
      Float64Array.from(scores),
      Array.from(labels, (l) => l === 1),
    );
  } else {
    areaUnder = macroAuroc(proba, classes, labels);
  }
  return {
    metrics: {
      accuracy: accuracy(predicted, labels),
      auroc: areaUnder,
      logLoss: logLoss(proba, classes, labels),
      rows: labels.length,
    },
    proba,
  };
}

/**
 * Full-batch Adam on the mean objective: the optimiser whose learning rate a user can feel. On a NaN/Inf loss
 * it stops, reports the step, and returns the last parameters whose loss was finite.
 */
async function minimizeAdam(
  objective: (x: Float64Array) => Promise<{ f: number; g: Float64Array }>,
  x0: Float64Array,
  config: LogisticConfig,
  onIter: (iter: number, x: Float64Array, f: number, gradMax: number) => Promise<boolean>,
) {
  const maxAbs = (g: Float64Array) => g.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  let x = Float64Array.from(x0);
  const m = new Float64Array(x.length);
  const v = new Float64Array(x.length);
  const b1 = 0.9,
    b2 = 0.999,
    eps = 1e-8;
  let { f, g } = await objective(x);
  let gradMax = maxAbs(g);
  let reason: StopReason = 'max-iter';
  let iterations = 0;
  let divergedAt: number | undefined;
  for (let t = 1; t <= config.maxIter; t++) {
    if (gradMax <= config.tol) {
      reason = 'converged';
      break;
    }
    const next = Float64Array.from(x);
    for (let i = 0; i < x.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      next[i] -= (config.learningRate * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    }
    const r = await objective(next);
    if (!Number.isFinite(r.f) || !r.g.every(Number.isFinite)) {
      reason = 'non-finite';
      divergedAt = t;
      break;
    }
    x = next;
    f = r.f;
    g = r.g;
    gradMax = maxAbs(g);
    iterations = t;
    if (!(await onIter(t, x, f, gradMax))) {
      reason = 'stopped';
      break;
    }
  }
  return { x, f, gradMax, iterations, reason, divergedAt };
}

/** scikit-learn's class_weight='balanced': n / (K · count_k), from the training rows. */
function balancedWeights(trainLabels: Int32Array, counts: Float64Array): Float32Array {
  const n = trainLabels.length;
  const K = counts.length;
  return Float32Array.from(trainLabels, (l) => n / (K * counts[l]));
}

function gather(values: Int32Array, rows: Int32Array): Int32Array {
  return Int32Array.from(rows, (r) => values[r]);
}

function validateConfig(c: LogisticConfig): void {
  if (!(c.C > 0 && Number.isFinite(c.C))) throw new Error(`invalid C: ${c.C} (must be a positive number)`);
  if (!(c.maxIter >= 1)) throw new Error(`invalid maxIter: ${c.maxIter}`);
  if (!(c.tol > 0)) throw new Error(`invalid tol: ${c.tol}`);
  if (c.optimizer === 'adam' && !(c.learningRate > 0)) throw new Error(`invalid learning rate: ${c.learningRate}`);
}
