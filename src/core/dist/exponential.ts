// Shifted exponential fit by maximum likelihood, as scipy.stats.expon.fit: loc = min(x), scale = mean(x) − loc.
// The shift lets it describe scores that do not start at zero (Mahalanobis distances, logits).

export interface ExponentialFit {
  kind: 'exponential';
  loc: number;
  scale: number;
}

export function fitExponential(values: ArrayLike<number>): ExponentialFit {
  const n = values.length;
  if (n < 2) throw new Error(`need at least 2 values to fit an exponential; got ${n}`);
  let min = Infinity;
  let mean = 0;
  for (let i = 0; i < n; i++) { min = Math.min(min, values[i]); mean += values[i] / n; }
  const scale = mean - min;
  if (!(scale > 0)) throw new Error('all values are equal: an exponential fit is degenerate (scale 0)');
  return { kind: 'exponential', loc: min, scale };
}

export function exponentialLogPdf(f: ExponentialFit, x: number): number {
  return x < f.loc ? -Infinity : -Math.log(f.scale) - (x - f.loc) / f.scale;
}

export function exponentialCdf(f: ExponentialFit, x: number): number {
  return x < f.loc ? 0 : -Math.expm1(-(x - f.loc) / f.scale);
}
