// The SAE views' log10 feature-density histogram: never-firing latents are counted apart, since log10 0 is −∞.
// The binning itself is core/stats/histogram's, as every other chart's.

import { histogram, type Histogram } from '../stats/histogram';

export interface DensityHistogram extends Histogram {
  /** Latents that never fired in the evaluated rows. */
  neverFired: number;
  /** Rows the densities were measured on: the smallest nonzero density is 1/rows. */
  rows: number;
}

/** log10(fires/rows) for latents that fired, over [log10(1/rows), 0]. */
export function densityHistogram(fires: ArrayLike<number>, rows: number, bins = 40): DensityHistogram {
  const logs: number[] = [];
  let neverFired = 0;
  for (let i = 0; i < fires.length; i++) {
    if (fires[i] > 0) logs.push(Math.log10(fires[i] / rows));
    else neverFired++;
  }
  const lo = Math.min(-1, Math.floor(Math.log10(1 / Math.max(1, rows))));
  return { ...histogram(logs, bins, lo, 0), neverFired, rows };
}
