// Ridge regression for continuous targets in closed form, as scikit-learn's Ridge:
//   minimise ‖y − Xw − b‖² + α‖w‖², intercept unpenalised  ⇒  (X̃ᵀX̃ + αI) w = X̃ᵀỹ,  b = ȳ − x̄ᵀw
// with X̃, ỹ centred on the training means. f64 normal equations solved by Cholesky (SPD for α > 0).

import { solveSpd } from '../math/linalg';
import type { Split } from '../split/split';
import { fitStandardization, identityStandardization } from '../math/standardize';
import { applyProbe, type LinearProbeModel } from './linear-probe';

export interface RidgeConfig {
  alpha: number;
  /** z-score features with the training rows' statistics first (scikit-learn's Ridge does not). */
  standardize: boolean;
}

export const DEFAULT_RIDGE: RidgeConfig = { alpha: 1, standardize: false };

export interface RegressionDataset {
  x: Float32Array;
  rows: number;
  cols: number;
  /** One continuous target per row. */
  y: Float64Array;
}

export interface RegressionMetrics {
  /** Coefficient of determination, 1 − SS_res/SS_tot about these rows' own mean; null with < 2 rows or constant y. */
  r2: number | null;
  mse: number | null;
  rows: number;
}

export function fitRidge(data: RegressionDataset, split: Split, config: RidgeConfig = DEFAULT_RIDGE): LinearProbeModel {
  if (!(config.alpha > 0 && Number.isFinite(config.alpha)))
    throw new Error(`invalid ridge alpha: ${config.alpha} (must be a positive number)`);
  if (data.y.length !== data.rows)
    throw new Error(`targets have ${data.y.length} rows but the activations have ${data.rows}`);
  const { cols: d } = data;
  const rows = split.train;
  const n = rows.length;
  const standardization = config.standardize ? fitStandardization(data.x, d, rows) : identityStandardization(d);
  const { mean: sm, scale: ss } = standardization;
  const xbar = new Float64Array(d);
  let ybar = 0;
  for (const r of rows) {
    for (let j = 0; j < d; j++) xbar[j] += (data.x[r * d + j] - sm[j]) / ss[j];
    ybar += data.y[r];
  }
  for (let j = 0; j < d; j++) xbar[j] /= n;
  ybar /= n;
  const a = new Float64Array(d * d);
  const rhs = new Float64Array(d);
  const xc = new Float64Array(d);
  for (const r of rows) {
    for (let j = 0; j < d; j++) xc[j] = (data.x[r * d + j] - sm[j]) / ss[j] - xbar[j];
    const yc = data.y[r] - ybar;
    for (let i = 0; i < d; i++) {
      rhs[i] += xc[i] * yc;
      for (let j = i; j < d; j++) a[i * d + j] += xc[i] * xc[j];
    }
  }
  for (let i = 0; i < d; i++) {
    a[i * d + i] += config.alpha;
    for (let j = 0; j < i; j++) a[i * d + j] = a[j * d + i];
  }
  const w = solveSpd(a, d, rhs, 1);
  let b = ybar;
  for (let j = 0; j < d; j++) b -= xbar[j] * w[j];
  return {
    method: 'ridge',
    cols: d,
    weights: w,
    intercept: Float64Array.of(b),
    outputs: 1,
    classes: [],
    standardization,
    link: 'identity',
  };
}

export function regressionMetrics(
  model: LinearProbeModel,
  data: RegressionDataset,
  rows: ArrayLike<number>,
): RegressionMetrics {
  const n = rows.length;
  if (n === 0) return { r2: null, mse: null, rows: 0 };
  const pred = applyProbe(model, data.x, data.cols, rows);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += data.y[rows[i]];
  mean /= n;
  let ssRes = 0,
    ssTot = 0;
  for (let i = 0; i < n; i++) {
    const y = data.y[rows[i]];
    ssRes += (y - pred[i]) ** 2;
    ssTot += (y - mean) ** 2;
  }
  return { r2: n >= 2 && ssTot > 0 ? 1 - ssRes / ssTot : null, mse: ssRes / n, rows: n };
}
