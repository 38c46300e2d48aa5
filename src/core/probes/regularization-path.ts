// Regularization path: a grid of C, each scored by seeded stratified k-fold cross-validation on the training
// rows (as scikit-learn's LogisticRegressionCV / elk's fit_cv), the best C chosen by mean validation log-loss,
// then refitted on all training rows and measured once on the held-out rows.

import type { Engine } from '../engine/engine';
import { stratifiedKFold } from '../split/kfold';
import type { Split } from '../split/split';
import {
  trainLogisticProbe,
  type LogisticConfig,
  type LogisticResult,
  type ProbeDataset,
  type TrainHooks,
} from './logistic';

export interface RegularizationPathConfig {
  logistic: LogisticConfig;
  /** The grid; scikit-learn's default is 10 values on logspace(−4, 4). */
  Cs: number[];
  folds: number;
  seed: number;
}

export function logspace(from: number, to: number, count: number): number[] {
  if (count === 1) return [10 ** from];
  return Array.from({ length: count }, (_, i) => 10 ** (from + ((to - from) * i) / (count - 1)));
}

export const DEFAULT_C_GRID = logspace(-4, 4, 10);

export interface PathPoint {
  C: number;
  /** Mean and standard deviation over folds; null where undefined in every fold. */
  logLoss: MeanStd;
  accuracy: MeanStd;
  auroc: MeanStd;
  /** Mean training-fold accuracy, beside the validation one. */
  trainAccuracy: MeanStd;
}

export interface MeanStd {
  mean: number | null;
  std: number | null;
}

export interface RegularizationPathResult {
  points: PathPoint[];
  bestIndex: number;
  best: LogisticResult;
}

export async function regularizationPath(
  engine: Engine,
  data: ProbeDataset,
  split: Split,
  config: RegularizationPathConfig,
  hooks: TrainHooks & { onPoint?: (index: number, point: PathPoint) => void } = {},
): Promise<RegularizationPathResult | null> {
  if (config.Cs.length === 0) throw new Error('the C grid is empty');
  config.Cs.forEach((C, i) => {
    if (!(C > 0 && Number.isFinite(C))) throw new Error(`invalid C at grid position ${i}: ${C}`);
  });
  const folds = stratifiedKFold(split.train, data.labels, config.folds, config.seed);
  const points: PathPoint[] = [];
  for (let c = 0; c < config.Cs.length; c++) {
    const C = config.Cs[c];
    const loss: number[] = [],
      acc: number[] = [],
      auc: number[] = [],
      trainAcc: number[] = [];
    for (const fold of folds) {
      if (hooks.cancelled?.()) return null;
      const r = await trainLogisticProbe(
        engine,
        data,
        { train: fold.fit, test: fold.validation },
        { ...config.logistic, C },
        { cancelled: hooks.cancelled },
      );
      if (r.test.logLoss !== null) loss.push(r.test.logLoss);
      if (r.test.accuracy !== null) acc.push(r.test.accuracy);
      if (r.test.auroc !== null) auc.push(r.test.auroc);
      if (r.train.accuracy !== null) trainAcc.push(r.train.accuracy);
    }
    const point = {
      C,
      logLoss: meanStd(loss),
      accuracy: meanStd(acc),
      auroc: meanStd(auc),
      trainAccuracy: meanStd(trainAcc),
    };
    points.push(point);
    hooks.onPoint?.(c, point);
  }
  let bestIndex = 0;
  points.forEach((p, i) => {
    if ((p.logLoss.mean ?? Infinity) < (points[bestIndex].logLoss.mean ?? Infinity)) bestIndex = i;
  });
  if (hooks.cancelled?.()) return null;
  const best = await trainLogisticProbe(
    engine,
    data,
    split,
    { ...config.logistic, C: config.Cs[bestIndex] },
    { cancelled: hooks.cancelled },
  );
  return { points, bestIndex, best };
}

/** Sample standard deviation (ddof = 1) across folds; null for fewer than two values. */
export function meanStd(values: number[]): MeanStd {
  if (values.length === 0) return { mean: null, std: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, std: null };
  const v = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(v) };
}
