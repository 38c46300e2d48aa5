// Per-class score histograms on shared bin edges, so train and held-out histograms line up bar for bar.

export interface ClassHistograms {
  /** Bin edges [bins + 1]. */
  edges: Float64Array;
  /** Counts [classes, bins] row-major. */
  counts: Int32Array;
  classes: number;
}

/** The [min, max] of several score arrays, for shared edges; [0, 1] when all are empty. */
export function scoreRange(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      if (a[i] < lo) lo = a[i];
      if (a[i] > hi) hi = a[i];
    }
  if (!Number.isFinite(lo)) return [0, 1];
  // A degenerate range still needs width for the bins to exist.
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/** Equal-width bins over `range`; values outside it are clamped into the end bins. */
export function classHistograms(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  bins: number,
  range: [number, number],
): ClassHistograms {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`invalid number of bins: ${bins}`);
  const [lo, hi] = range;
  if (!(hi > lo)) throw new Error(`invalid histogram range [${lo}, ${hi}]`);
  const counts = new Int32Array(classes * bins);
  const width = (hi - lo) / bins;
  for (let i = 0; i < scores.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((scores[i] - lo) / width)));
    counts[labels[i] * bins + b]++;
  }
  const edges = Float64Array.from({ length: bins + 1 }, (_, b) => lo + b * width);
  edges[bins] = hi;
  return { edges, counts, classes };
}
