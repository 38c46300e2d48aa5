// "How Gaussian is this?" as numbers: Gaussian, shifted exponential and two-component mixture fitted to one set
// of values, each with its mean log-likelihood per point and its KS statistic, plus densities for an overlay.

import { exponentialCdf, exponentialLogPdf, fitExponential, type ExponentialFit } from './exponential';
import { fitGaussian, gaussianCdf, gaussianLogPdf, type GaussianFit } from './gaussian';
import { DEFAULT_MIXTURE, fitMixture2, mixtureCdf, mixtureLogPdf, type MixtureFit } from './gaussian-mixture';
import { ksStatistic } from './ks';

export type DistributionFit = GaussianFit | ExponentialFit | MixtureFit;

export interface ScoredFit {
  fit: DistributionFit;
  /** Mean log-likelihood per point (nats); −Infinity if a point is outside the support. */
  logLikPerPoint: number;
  ks: number;
}

export function logPdf(f: DistributionFit, x: number): number {
  switch (f.kind) {
    case 'gaussian': return gaussianLogPdf(f, x);
    case 'exponential': return exponentialLogPdf(f, x);
    case 'mixture': return mixtureLogPdf(f, x);
  }
}

export function cdf(f: DistributionFit, x: number): number {
  switch (f.kind) {
    case 'gaussian': return gaussianCdf(f, x);
    case 'exponential': return exponentialCdf(f, x);
    case 'mixture': return mixtureCdf(f, x);
  }
}

export function scoreFit(fit: DistributionFit, values: ArrayLike<number>): ScoredFit {
  let ll = 0;
  for (let i = 0; i < values.length; i++) ll += logPdf(fit, values[i]);
  return { fit, logLikPerPoint: ll / values.length, ks: ksStatistic(values, (x) => cdf(fit, x)) };
}

/** All three fits; NaN/Inf values are refused with their index. */
export function fitDistributions(values: ArrayLike<number>, seed = DEFAULT_MIXTURE.seed): ScoredFit[] {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`value ${i} is ${values[i]}; distribution fits need finite values`);
  }
  return [
    scoreFit(fitGaussian(values), values),
    scoreFit(fitExponential(values), values),
    scoreFit(fitMixture2(values, { ...DEFAULT_MIXTURE, seed }), values),
  ];
}

/** Density of a fit on a grid, scaled to expected counts per histogram bin (binWidth · n), for overlays. */
export function overlayCurve(f: DistributionFit, xs: ArrayLike<number>, binWidth: number, n: number): Float64Array {
  return Float64Array.from({ length: xs.length }, (_, i) => Math.exp(logPdf(f, xs[i])) * binWidth * n);
}
