// Histograms the SAE views draw: log10 feature density (never-firing latents counted apart, since log10 0 is
// −∞), decoder-norm and per-latent activation distributions. Pure; charts do no aggregation.

export interface Histogram {
  /** bins + 1 edges, ascending. */
  edges: Float64Array;
  counts: Float64Array;
  /** Values below the first edge / above the last (or non-finite): counted, never dropped silently. */
  under: number;
  over: number;
}

export function histogram(values: ArrayLike<number>, bins: number, lo: number, hi: number): Histogram {
  if (!(bins >= 1) || !(hi > lo)) throw new Error(`invalid histogram range: ${bins} bins over [${lo}, ${hi}]`);
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const counts = new Float64Array(bins);
  let under = 0,
    over = 0;
  for (let n = 0; n < values.length; n++) {
    const v = values[n];
    if (v < lo || Number.isNaN(v)) under++;
    else if (v > hi) over++;
    else counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]++;
  }
  return { edges, counts, under, over };
}

/** Range [min, max] of finite values, widened when degenerate so a histogram always has width. */
export function autoRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (let n = 0; n < values.length; n++)
    if (Number.isFinite(values[n])) {
      lo = Math.min(lo, values[n]);
      hi = Math.max(hi, values[n]);
    }
  if (lo === Infinity) return [0, 1];
  if (hi - lo < 1e-12) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

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
