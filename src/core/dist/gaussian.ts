// Gaussian fit by maximum likelihood: μ = mean, σ = population std (ddof = 0), which is the MLE.

import { normalCdf } from './erf';

export interface GaussianFit {
  kind: 'gaussian';
  mean: number;
  std: number;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export function fitGaussian(values: ArrayLike<number>): GaussianFit {
  const n = values.length;
  if (n < 2) throw new Error(`need at least 2 values to fit a Gaussian; got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - mean) ** 2;
  const std = Math.sqrt(v / n);
  if (!(std > 0)) throw new Error('all values are equal: a Gaussian fit is degenerate (std 0)');
  return { kind: 'gaussian', mean, std };
}

export function gaussianLogPdf(f: { mean: number; std: number }, x: number): number {
  const z = (x - f.mean) / f.std;
  return -0.5 * z * z - Math.log(f.std) - LOG_SQRT_2PI;
}

export function gaussianCdf(f: { mean: number; std: number }, x: number): number {
  return normalCdf((x - f.mean) / f.std);
}
