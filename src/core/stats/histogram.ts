// Equal-width histograms, the one binning every chart uses: the probe suite's per-class score histograms, the SAE
// views' density and decoder-norm histograms, and the analysis views' overlaid groups. Bins are half-open
// [e_b, e_{b+1}) with the last one closed, as numpy.histogram, decided against the edges themselves so a value
// drawn on an edge is counted in the bar that starts there. Pure arrays; charts do no aggregation.

export interface Histogram {
  /** bins + 1 edges, ascending; the last is exactly the range's upper end. */
  edges: Float64Array;
  counts: Float64Array;
  /** Values below the first edge (or NaN) / above the last: counted, never dropped silently. */
  under: number;
  over: number;
}

/**
 * [min, max] of the finite values of all arrays (shared edges make train and held-out, or trusted and untrusted,
 * bars line up); [0, 1] when there are none; a degenerate range is widened by ½ either side so the bins have width.
 */
export function autoRange(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (lo === Infinity) return [0, 1];
  // Relative width: bins narrower than ~1e-12 of the values' magnitude would be rounding noise.
  if (hi - lo <= 1e-12 * Math.max(1, Math.abs(lo), Math.abs(hi))) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** bins + 1 equal-width edges over [lo, hi]. */
export function histogramEdges(bins: number, lo: number, hi: number): Float64Array {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`invalid number of bins: ${bins}`);
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo))
    throw new Error(`invalid histogram range [${lo}, ${hi}]`);
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  edges[bins] = hi;
  return edges;
}

/** The bin of v: −1 below the first edge or NaN, edges.length − 1 above the last, else b with e_b ≤ v < e_{b+1}. */
export function binOf(v: number, edges: Float64Array): number {
  const bins = edges.length - 1;
  const lo = edges[0];
  const hi = edges[bins];
  if (!(v >= lo)) return -1;
  if (v > hi) return bins;
  let b = Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins));
  // The arithmetic guess can be one off next to an edge; the edges decide.
  if (v < edges[b]) b--;
  else if (b < bins - 1 && v >= edges[b + 1]) b++;
  return b;
}

/** Counts over `bins` equal-width bins on [lo, hi]; values outside are counted apart. */
export function histogram(values: ArrayLike<number>, bins: number, lo: number, hi: number): Histogram {
  const edges = histogramEdges(bins, lo, hi);
  const counts = new Float64Array(bins);
  let under = 0,
    over = 0;
  for (let i = 0; i < values.length; i++) {
    const b = binOf(values[i], edges);
    if (b < 0) under++;
    else if (b === bins) over++;
    else counts[b]++;
  }
  return { edges, counts, under, over };
}

/** Several groups on the same edges (their joint autoRange), non-finite values left out. */
export function sharedHistograms(
  groups: ArrayLike<number>[],
  bins: number,
): { edges: Float64Array; counts: Float64Array[]; binWidth: number } {
  const [lo, hi] = autoRange(...groups);
  const edges = histogramEdges(bins, lo, hi);
  return { edges, counts: groups.map((g) => histogram(g, bins, lo, hi).counts), binWidth: (hi - lo) / bins };
}

export interface ClassHistograms {
  /** Bin edges [bins + 1]. */
  edges: Float64Array;
  /** Counts [classes, bins] row-major. */
  counts: Int32Array;
  classes: number;
}

/**
 * Per-class counts of scores on shared edges over `range` (normally autoRange of train and held-out scores, so the
 * two sides' bars line up): a finite value outside the range is clamped into the end bin, NaN is not counted.
 */
export function classHistograms(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  bins: number,
  range: [number, number],
): ClassHistograms {
  const edges = histogramEdges(bins, range[0], range[1]);
  const counts = new Int32Array(classes * bins);
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) continue;
    const b = Math.min(bins - 1, Math.max(0, binOf(scores[i], edges)));
    counts[labels[i] * bins + b]++;
  }
  return { edges, counts, classes };
}
