// Mass-mean probe (Marks & Tegmark's MMProbe). Default: θ = μ₁ − μ₀, the difference of the training rows' class
// means in activation space, as the mass-mean probing literature defines it. Two other directions are named apart:
//   - 'iid', whitened / LDA-like: θ = Σ_w⁺ (μ₁ − μ₀) with Σ_w the pooled within-class covariance;
//   - standardize: true, θ = μ₁ − μ₀ of z-scored rows, which in activation space is diag(1/σ²)(μ₁ − μ₀), a diagonal
//     whitening (on anisotropic data its direction can be nearly orthogonal to μ₁ − μ₀).
// The intercept places the decision boundary at the midpoint of the class means, so σ(θᵀx + b) > ½ means "closer to
// class 1 along θ". Binary only. f64 throughout.

import { symmetricEigen, symmetricFunction } from '../math/linalg';
import type { Split } from '../split/split';
import { classStatistics, withinScatter } from './class-statistics';
import type { LinearProbeModel } from './linear-probe';
import type { ProbeDataset } from './logistic';
import { requireClasses, trainStandardization } from './probe-data';

export interface MassMeanConfig {
  /** 'plain': θ = μ₁ − μ₀; 'iid': the whitened, LDA-like θ = Σ_w⁺ (μ₁ − μ₀). */
  variant: 'plain' | 'iid';
  /** Fit on z-scored rows (θ then lives in the standardized space); off by default, so θ is in activation space. */
  standardize: boolean;
  /** iid: eigenvalues of Σ_w at or below this are treated as zero in the pseudo-inverse (geometry-of-truth: 1e-3). */
  pinvAtol: number;
}

export const DEFAULT_MASS_MEAN: MassMeanConfig = { variant: 'plain', standardize: false, pinvAtol: 1e-3 };

export function fitMassMean(
  data: ProbeDataset,
  split: Split,
  config: MassMeanConfig = DEFAULT_MASS_MEAN,
): LinearProbeModel {
  requireClasses(data, 'the mass-mean probe', true);
  if (!(config.pinvAtol >= 0)) throw new Error(`invalid pinv tolerance: ${config.pinvAtol}`);
  const d = data.cols;
  const standardization = trainStandardization(data, split, config.standardize);
  const stats = classStatistics(data.x, d, split.train, data.labels, 2, standardization);
  const mu0 = stats.means.subarray(0, d);
  const mu1 = stats.means.subarray(d, 2 * d);
  let theta: Float64Array = Float64Array.from(mu1, (v, j) => v - mu0[j]);
  if (config.variant === 'iid') {
    const cov = withinScatter(stats);
    const n = split.train.length;
    for (let i = 0; i < cov.length; i++) cov[i] /= n;
    const pinv = symmetricFunction(symmetricEigen(cov, d), d, (l) => (l > config.pinvAtol ? 1 / l : 0));
    const t = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += pinv[i * d + j] * theta[j];
      t[i] = s;
    }
    theta = t;
  }
  let b = 0;
  for (let j = 0; j < d; j++) b -= theta[j] * 0.5 * (mu0[j] + mu1[j]);
  return {
    method: config.variant === 'iid' ? 'mass-mean-iid' : 'mass-mean',
    cols: d,
    weights: theta,
    intercept: Float64Array.of(b),
    outputs: 1,
    classes: data.classes,
    standardization,
    link: 'logit',
  };
}
