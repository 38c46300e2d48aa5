// Two-component 1-D Gaussian mixture fitted by EM, seeded: the initial means are two distinct data points drawn
// with createRng(seed), so a run reproduces exactly. A variance floor (1e-6 of the data variance) keeps a
// component from collapsing onto a single point, where the likelihood is unbounded.

import { createRng } from '../math/rng';
import { normalCdf } from './erf';
import { gaussianLogPdf } from './gaussian';

export interface MixtureFit {
  kind: 'mixture';
  weights: [number, number];
  means: [number, number];
  stds: [number, number];
  iterations: number;
  converged: boolean;
}

export interface MixtureOptions {
  seed: number;
  maxIter: number;
  /** Stop when the mean log-likelihood per point improves by less than this. */
  tol: number;
}

export const DEFAULT_MIXTURE: MixtureOptions = { seed: 0, maxIter: 500, tol: 1e-10 };

export function fitMixture2(values: ArrayLike<number>, options: MixtureOptions = DEFAULT_MIXTURE): MixtureFit {
  const n = values.length;
  if (n < 4) throw new Error(`need at least 4 values to fit a two-component mixture; got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] / n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i] - mean) ** 2 / n;
  if (!(variance > 0)) throw new Error('all values are equal: a mixture fit is degenerate');
  const floor = 1e-6 * variance;
  const random = createRng(options.seed);
  const a = Math.floor(random() * n);
  let b = Math.floor(random() * n);
  for (let t = 0; t < 100 && values[b] === values[a]; t++) b = Math.floor(random() * n);
  const means: [number, number] = [values[a], values[b]];
  const vars: [number, number] = [variance, variance];
  const weights: [number, number] = [0.5, 0.5];
  const resp = new Float64Array(n);
  let prev = -Infinity;
  let iterations = 0;
  let converged = false;
  for (let it = 1; it <= options.maxIter; it++) {
    iterations = it;
    // E step in log space (log-sum-exp) so far-out points do not underflow both components to 0.
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const l0 = Math.log(weights[0]) + gaussianLogPdf({ mean: means[0], std: Math.sqrt(vars[0]) }, values[i]);
      const l1 = Math.log(weights[1]) + gaussianLogPdf({ mean: means[1], std: Math.sqrt(vars[1]) }, values[i]);
      const m = Math.max(l0, l1);
      const lse = m + Math.log(Math.exp(l0 - m) + Math.exp(l1 - m));
      resp[i] = Math.exp(l1 - lse);
      ll += lse;
    }
    ll /= n;
    if (ll - prev < options.tol && it > 1) { converged = true; break; }
    prev = ll;
    // M step.
    let r1 = 0, s0 = 0, s1 = 0;
    for (let i = 0; i < n; i++) { r1 += resp[i]; s1 += resp[i] * values[i]; s0 += (1 - resp[i]) * values[i]; }
    const r0 = n - r1;
    if (r0 < 1e-9 || r1 < 1e-9) break; // one component took every point: the mixture is a single Gaussian
    means[0] = s0 / r0;
    means[1] = s1 / r1;
    let v0 = 0, v1 = 0;
    for (let i = 0; i < n; i++) {
      v0 += (1 - resp[i]) * (values[i] - means[0]) ** 2;
      v1 += resp[i] * (values[i] - means[1]) ** 2;
    }
    vars[0] = Math.max(floor, v0 / r0);
    vars[1] = Math.max(floor, v1 / r1);
    weights[0] = r0 / n;
    weights[1] = r1 / n;
  }
  // Order components by mean so the same fit always reports the same way.
  const order = means[0] <= means[1] ? [0, 1] : [1, 0];
  return {
    kind: 'mixture',
    weights: [weights[order[0]], weights[order[1]]],
    means: [means[order[0]], means[order[1]]],
    stds: [Math.sqrt(vars[order[0]]), Math.sqrt(vars[order[1]])],
    iterations, converged,
  };
}

export function mixtureLogPdf(f: MixtureFit, x: number): number {
  const l0 = Math.log(f.weights[0]) + gaussianLogPdf({ mean: f.means[0], std: f.stds[0] }, x);
  const l1 = Math.log(f.weights[1]) + gaussianLogPdf({ mean: f.means[1], std: f.stds[1] }, x);
  const m = Math.max(l0, l1);
  return m + Math.log(Math.exp(l0 - m) + Math.exp(l1 - m));
}

export function mixtureCdf(f: MixtureFit, x: number): number {
  return f.weights[0] * normalCdf((x - f.means[0]) / f.stds[0]) + f.weights[1] * normalCdf((x - f.means[1]) / f.stds[1]);
}
