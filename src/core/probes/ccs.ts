// Contrast-consistent search (Burns et al.) on contrast pairs x₊ / x₋:
//   p± = σ(θᵀx̃± + b),  L = mean[(p₊ − (1 − p₋))²] + mean[min(p₊, p₋)²] + λ‖θ‖²
// with each side centred (optionally z-scored) by its OWN training-row statistics, so a constant offset that
// marks "this is the + side" cannot be the direction found. Several seeded restarts, the lowest loss kept.
// The loss is symmetric under θ, b → −θ, −b, so CCS alone cannot say which end is "true": the sign is fixed
// with the training labels, and the result says so ("unsupervised" accuracy depends on that choice).
// Optimised on the host with L-BFGS in f64: D is the model width (a few thousand at most) and one loss
// evaluation is two matrix-vector products, cheaper than a GPU round trip; L-BFGS also needs no learning rate.

import { minimizeLbfgs, type StopReason } from '../optim/lbfgs';
import { createRng, normal } from '../math/rng';
import { fitStandardization, type Standardization } from '../math/standardize';
import type { Split } from '../split/split';
import { sigmoid, type LinearProbeModel } from './linear-probe';

export interface CcsConfig {
  restarts: number;
  seed: number;
  /** Also divide each side by its training std (Burns' var_normalize); centring alone is the default. */
  scaleVariance: boolean;
  /**
   * L2 penalty λ on θ. At a perfect solution the CCS loss keeps falling as ‖θ‖ grows (p → 0/1), so without a
   * penalty the optimum is at infinity; a small λ (Burns use AdamW weight decay 0.01) gives a finite one.
   */
  l2: number;
  maxIter: number;
  tol: number;
}

export const DEFAULT_CCS: CcsConfig = {
  restarts: 10,
  seed: 0,
  scaleVariance: false,
  l2: 1e-3,
  maxIter: 1000,
  tol: 1e-7,
};

export interface ContrastPairs {
  xPlus: Float32Array;
  xMinus: Float32Array;
  rows: number;
  cols: number;
  /** Optional truth per pair (1 = the + side is true): used only to fix the sign and to report accuracy. */
  labels?: Int32Array;
}

export interface CcsResult {
  model: LinearProbeModel;
  /** CCS loss (with penalty) of the kept restart, and of every restart in order. */
  loss: number;
  restartLosses: number[];
  /** True when θ, b were negated so that training accuracy ≥ ½ — the sign comes from labels, not from CCS. */
  signFlipped: boolean;
  signFixedWithLabels: boolean;
  reason: StopReason;
}

export async function fitCcs(
  pairs: ContrastPairs,
  split: Split,
  config: CcsConfig = DEFAULT_CCS,
  cancelled?: () => boolean,
): Promise<CcsResult> {
  validate(pairs, config);
  const { cols: d } = pairs;
  const rows = split.train;
  const plusStats = sideStatistics(pairs.xPlus, d, rows, config.scaleVariance);
  const minusStats = sideStatistics(pairs.xMinus, d, rows, config.scaleVariance);
  const xp = normalizedRows(pairs.xPlus, d, rows, plusStats);
  const xm = normalizedRows(pairs.xMinus, d, rows, minusStats);
  const n = rows.length;
  const objective = async (theta: Float64Array) => ccsLossAndGradient(theta, xp, xm, n, d, config.l2);

  const random = createRng(config.seed);
  let best: { x: Float64Array; f: number; reason: StopReason } | null = null;
  const restartLosses: number[] = [];
  for (let r = 0; r < config.restarts; r++) {
    if (cancelled?.()) break;
    // Random direction of unit expected norm, b = 0: each restart is reproducible from the seed.
    const x0 = new Float64Array(d + 1);
    for (let j = 0; j < d; j++) x0[j] = normal(random) / Math.sqrt(d);
    const run = await minimizeLbfgs(objective, x0, {
      gtol: config.tol,
      maxIter: config.maxIter,
      onIter: () => !cancelled?.(),
    });
    restartLosses.push(run.f);
    if (!best || run.f < best.f) best = { x: run.x, f: run.f, reason: run.reason };
  }
  if (!best) throw new Error('CCS was stopped before its first restart finished');

  let signFlipped = false;
  const theta = best.x;
  if (pairs.labels) {
    const acc = pairAccuracy(
      theta,
      xp,
      xm,
      n,
      d,
      Int32Array.from(rows, (r) => pairs.labels![r]),
    );
    if (acc !== null && acc < 0.5) {
      for (let j = 0; j <= d; j++) theta[j] = -theta[j];
      signFlipped = true;
    }
  }
  return {
    model: {
      method: 'ccs',
      cols: d,
      weights: theta.slice(0, d),
      intercept: Float64Array.of(theta[d]),
      outputs: 1,
      classes: ['false', 'true'],
      standardization: plusStats,
      pairStandardization: minusStats,
      link: 'logit',
    },
    loss: best.f,
    restartLosses,
    signFlipped,
    signFixedWithLabels: !!pairs.labels,
    reason: best.reason,
  };
}

/** P(the + side is true) per pair, averaging both views: ½(p₊ + 1 − p₋). */
export function ccsCredence(model: LinearProbeModel, pairs: ContrastPairs, rows: ArrayLike<number>): Float64Array {
  const d = pairs.cols;
  if (d !== model.cols) throw new Error(`the CCS probe expects ${model.cols} features; these pairs have ${d}`);
  const xp = normalizedRows(pairs.xPlus, d, rows, model.standardization);
  const xm = normalizedRows(pairs.xMinus, d, rows, model.pairStandardization ?? model.standardization);
  const theta = new Float64Array(d + 1);
  theta.set(model.weights);
  theta[d] = model.intercept[0];
  return Float64Array.from(
    { length: rows.length },
    (_, i) => 0.5 * (side(theta, xp, i, d) + 1 - side(theta, xm, i, d)),
  );
}

export function ccsLossAndGradient(
  theta: Float64Array,
  xp: Float64Array,
  xm: Float64Array,
  n: number,
  d: number,
  l2: number,
) {
  const g = new Float64Array(d + 1);
  let f = 0;
  for (let i = 0; i < n; i++) {
    const pp = side(theta, xp, i, d);
    const pm = side(theta, xm, i, d);
    const c = pp + pm - 1;
    const m = Math.min(pp, pm);
    f += c * c + m * m;
    // dL/dp for each side, then through σ' = p(1 − p); the min routes its gradient to the smaller side.
    let dp = 2 * c + (pp <= pm ? 2 * m : 0);
    let dm = 2 * c + (pp <= pm ? 0 : 2 * m);
    dp *= (pp * (1 - pp)) / n;
    dm *= (pm * (1 - pm)) / n;
    const op = i * d;
    for (let j = 0; j < d; j++) g[j] += dp * xp[op + j] + dm * xm[op + j];
    g[d] += dp + dm;
  }
  f /= n;
  for (let j = 0; j < d; j++) {
    f += l2 * theta[j] * theta[j];
    g[j] += 2 * l2 * theta[j];
  }
  return { f, g };
}

function side(theta: Float64Array, x: Float64Array, i: number, d: number): number {
  let z = theta[d];
  const o = i * d;
  for (let j = 0; j < d; j++) z += theta[j] * x[o + j];
  return sigmoid(z);
}

function pairAccuracy(
  theta: Float64Array,
  xp: Float64Array,
  xm: Float64Array,
  n: number,
  d: number,
  labels: Int32Array,
): number | null {
  if (n === 0) return null;
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const credence = 0.5 * (side(theta, xp, i, d) + 1 - side(theta, xm, i, d));
    if ((credence > 0.5 ? 1 : 0) === labels[i]) hit++;
  }
  return hit / n;
}

function sideStatistics(x: Float32Array, d: number, rows: Int32Array, scale: boolean): Standardization {
  const s = fitStandardization(x, d, rows);
  return scale ? s : { mean: s.mean, scale: new Float64Array(d).fill(1) };
}

function normalizedRows(x: Float32Array, d: number, rows: ArrayLike<number>, s: Standardization): Float64Array {
  const out = new Float64Array(rows.length * d);
  for (let i = 0; i < rows.length; i++)
    for (let j = 0; j < d; j++) out[i * d + j] = (x[rows[i] * d + j] - s.mean[j]) / s.scale[j];
  return out;
}

function validate(pairs: ContrastPairs, c: CcsConfig): void {
  const size = pairs.rows * pairs.cols;
  if (pairs.xPlus.length !== size || pairs.xMinus.length !== size) {
    throw new Error(
      `x_plus has ${pairs.xPlus.length} values and x_minus ${pairs.xMinus.length}; both must be rows × cols = ${size}`,
    );
  }
  if (!(Number.isInteger(c.restarts) && c.restarts >= 1)) throw new Error(`invalid CCS restarts: ${c.restarts}`);
  if (!(c.l2 >= 0)) throw new Error(`invalid CCS L2 penalty: ${c.l2}`);
  if (!(c.maxIter >= 1)) throw new Error(`invalid CCS maxIter: ${c.maxIter}`);
}
