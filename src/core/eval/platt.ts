// Platt scaling p = σ(a·s + b) of binary scores, fitted by Newton's method with Platt's smoothed targets
// (Lin, Lin & Weng 2007), as scikit-learn's sigmoid calibration does, and cross-fitted as its
// CalibratedClassifierCV(method='sigmoid') does: the sigmoid is fitted on held-out scores, never on the scores of
// rows the model was fitted on (those are over-confident, so an in-sample fit under-corrects), and never on the test
// rows (which would make held-out calibration look perfect by construction).

import type { Fold } from '../split/kfold';

export interface PlattScaling {
  a: number;
  b: number;
}

export function fitPlatt(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean | number>,
  maxIter = 100,
): PlattScaling {
  const n = scores.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) if (positive[i]) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0)
    throw new Error(`Platt scaling needs both classes; the fitting rows have ${nPos} positive and ${nNeg} negative`);
  // Smoothed targets keep the fit finite when the scores separate the classes perfectly.
  const hi = (nPos + 1) / (nPos + 2);
  const lo = 1 / (nNeg + 2);
  const t = Float64Array.from({ length: n }, (_, i) => (positive[i] ? hi : lo));
  // Parameterised as σ(−(A s + B)) in the paper; here directly a = −A, b = −B.
  let a = 0;
  let b = Math.log((nPos + 1) / (nNeg + 1));
  const objective = (a: number, b: number) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const z = a * scores[i] + b;
      // −[t log σ(z) + (1 − t) log(1 − σ(z))] = softplus(z) − t z, stable for either sign of z.
      f += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - t[i] * z;
    }
    return f;
  };
  let f = objective(a, b);
  for (let iter = 0; iter < maxIter; iter++) {
    let gA = 0,
      gB = 0,
      hAA = 1e-12,
      hAB = 0,
      hBB = 1e-12;
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      const z = a * s + b;
      const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      const d = p - t[i];
      const w = p * (1 - p);
      gA += d * s;
      gB += d;
      hAA += w * s * s;
      hAB += w * s;
      hBB += w;
    }
    if (Math.max(Math.abs(gA), Math.abs(gB)) < 1e-10 * n) break;
    const det = hAA * hBB - hAB * hAB;
    const dA = -(hBB * gA - hAB * gB) / det;
    const dB = -(-hAB * gA + hAA * gB) / det;
    // Backtracking keeps every Newton step a descent step.
    let step = 1;
    while (step > 1e-10) {
      const fNew = objective(a + step * dA, b + step * dB);
      if (fNew < f + 1e-4 * step * (gA * dA + gB * dB)) {
        a += step * dA;
        b += step * dB;
        f = fNew;
        break;
      }
      step /= 2;
    }
    if (step <= 1e-10) break;
  }
  return { a, b };
}

export function applyPlatt(p: PlattScaling, scores: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: scores.length }, (_, i) => {
    const z = p.a * scores[i] + p.b;
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  });
}

/** The method refitted on `fit` rows, scoring `heldOut` rows it has not seen; null if cancelled. */
export type HeldOutScorer = (fit: Int32Array, heldOut: Int32Array) => Promise<ArrayLike<number> | null>;

export interface CrossFittedPlatt {
  scaling: PlattScaling;
  /** The training rows in the order of `outOfFold`. */
  rows: Int32Array;
  /** Each training row's score from the model refitted without its fold. */
  outOfFold: Float64Array;
}

/**
 * scikit-learn's CalibratedClassifierCV(method='sigmoid', cv=folds, ensemble=False): every training row is scored by
 * the method refitted on the other folds, one sigmoid is fitted on those out-of-fold scores, and it calibrates the
 * model fitted on all training rows. ensemble=False, because the probe stays one linear map that exports with one
 * (a, b); ensemble=True would average k refitted probes' calibrated probabilities, a different model than the one
 * shown. The folds must partition the training rows (as stratifiedKFold's do).
 */
export async function crossFitPlatt(
  folds: readonly Fold[],
  positive: (row: number) => boolean,
  scoreHeldOut: HeldOutScorer,
): Promise<CrossFittedPlatt | null> {
  const rows: number[] = [];
  const scores: number[] = [];
  for (const fold of folds) {
    const s = await scoreHeldOut(fold.fit, fold.validation);
    if (!s) return null;
    if (s.length !== fold.validation.length)
      throw new Error(`the refitted model scored ${s.length} rows; the fold holds ${fold.validation.length}`);
    fold.validation.forEach((r, i) => {
      rows.push(r);
      scores.push(s[i]);
    });
  }
  const outOfFold = Float64Array.from(scores);
  const bad = outOfFold.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`out-of-fold score of row ${rows[bad]} is ${outOfFold[bad]}`);
  return {
    scaling: fitPlatt(
      outOfFold,
      rows.map((r) => positive(r)),
    ),
    rows: Int32Array.from(rows),
    outOfFold,
  };
}
