// Linear discriminant analysis with a shared covariance, as scikit-learn's LinearDiscriminantAnalysis:
//   score_k(x) = μ_kᵀ Σ⁻¹ x − ½ μ_kᵀ Σ⁻¹ μ_k + log π_k   (priors π from the training rows).
// Σ = Σ_k π_k S_k with S_k each class's biased covariance, as scikit-learn's 'lsqr' solver: unshrunk
// (shrinkage=None), or each S_k shrunk toward tr(S_k)/d·I by a fixed α or by Ledoit-Wolf on the class's z-scored
// rows (shrinkage='auto'), so α = 0 and 'none' agree. (The default 'svd' solver divides the pooled scatter by
// n − K instead of n: the same direction, a prior term weighted n/(n − K) times more.) A singular Σ takes the
// minimum-norm solution, as lstsq does. Binary problems return one logit, score₁ − score₀. Computed in f64 on
// the standardized features; LDA's decision is affine-invariant, so standardizing changes no prediction.

import { pinvSymmetric, solveSpd } from '../math/linalg';
import type { Split } from '../split/split';
import { classStatistics, gram, withinScatter, type ClassStatistics } from './class-statistics';
import { scaleFreeLedoitWolf, shrinkToScaledIdentity } from '../stats/covariance-shrinkage';
import type { LinearProbeModel } from './linear-probe';
import type { ProbeDataset } from './logistic';
import { requireClasses, trainStandardization } from './probe-data';

export interface LdaConfig {
  /** 'none' (empirical), 'ledoit-wolf', or a fixed α in [0, 1]. */
  shrinkage: 'none' | 'ledoit-wolf' | number;
  standardize: boolean;
}

export const DEFAULT_LDA: LdaConfig = { shrinkage: 'none', standardize: true };

export interface LdaModel extends LinearProbeModel {
  /** The α used per class (empty when unshrunk): Ledoit-Wolf's estimate or the fixed value. */
  shrinkagePerClass: number[];
  /** True when Σ was singular and a pseudo-inverse was used instead (few rows next to D: add shrinkage). */
  usedPseudoInverse: boolean;
}

export function fitLda(data: ProbeDataset, split: Split, config: LdaConfig = DEFAULT_LDA): LdaModel {
  const K = requireClasses(data, 'LDA', false);
  const { shrinkage } = config;
  if (typeof shrinkage === 'number' && !(shrinkage >= 0 && shrinkage <= 1))
    throw new Error(`invalid LDA shrinkage ${shrinkage}: must be in [0, 1]`);
  const d = data.cols;
  const standardization = trainStandardization(data, split, config.standardize);
  const stats = classStatistics(data.x, d, split.train, data.labels, K, standardization);
  const n = split.train.length;
  const priors = Array.from(stats.counts, (c) => c / n);
  const { cov, alphas } = sharedCovariance(stats, n, priors, shrinkage);

  // Σ⁻¹ μ_k for every class at once: solve Σ X = Mᵀ.
  const meansT = new Float64Array(d * K);
  for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) meansT[j * K + k] = stats.means[k * d + j];
  let solved: Float64Array;
  let usedPseudoInverse = false;
  try {
    solved = solveSpd(cov, d, meansT, K);
  } catch {
    // Singular Σ (N < D, constant columns): the minimum-norm solution, as the svd solver's rank cut does.
    usedPseudoInverse = true;
    const pinv = pinvSymmetric(cov, d, 1e-10);
    solved = new Float64Array(d * K);
    for (let i = 0; i < d; i++)
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += pinv[i * d + j] * meansT[j * K + k];
        solved[i * K + k] = s;
      }
  }
  const intercepts = Array.from({ length: K }, (_, k) => {
    let q = 0;
    for (let j = 0; j < d; j++) q += stats.means[k * d + j] * solved[j * K + k];
    return -0.5 * q + Math.log(priors[k]);
  });
  const base = {
    method: 'lda' as const,
    cols: d,
    classes: data.classes,
    standardization,
    link: 'logit' as const,
    shrinkagePerClass: alphas,
    usedPseudoInverse,
  };
  if (K === 2) {
    return {
      ...base,
      outputs: 1,
      weights: Float64Array.from({ length: d }, (_, j) => solved[j * 2 + 1] - solved[j * 2]),
      intercept: Float64Array.of(intercepts[1] - intercepts[0]),
    };
  }
  return { ...base, outputs: K, weights: solved, intercept: Float64Array.from(intercepts) };
}

function sharedCovariance(stats: ClassStatistics, n: number, priors: number[], shrinkage: LdaConfig['shrinkage']) {
  const d = stats.cols;
  const K = stats.classes;
  if (shrinkage === 'none') {
    // Σ_k π_k S_k = Σ_k (n_k / n)(scatter_k / n_k) = scatter / n.
    const cov = withinScatter(stats);
    for (let i = 0; i < cov.length; i++) cov[i] /= n;
    return { cov, alphas: [] as number[] };
  }
  const cov = new Float64Array(d * d);
  const alphas: number[] = [];
  for (let k = 0; k < K; k++) {
    const nk = stats.counts[k];
    let shrunk: Float64Array;
    if (shrinkage === 'ledoit-wolf') {
      // Ledoit-Wolf on the class's z-scored rows, then scaled back: the estimate is then scale-free per feature.
      const { alpha, cov: s } = scaleFreeLedoitWolf(stats.centred[k], nk, d, stats.means.subarray(k * d, (k + 1) * d));
      alphas.push(alpha);
      shrunk = s;
    } else {
      const s = gram(stats.centred[k], nk, d);
      for (let i = 0; i < s.length; i++) s[i] /= nk;
      alphas.push(shrinkage);
      shrunk = shrinkToScaledIdentity(s, d, shrinkage);
    }
    for (let i = 0; i < cov.length; i++) cov[i] += priors[k] * shrunk[i];
  }
  return { cov, alphas };
}
