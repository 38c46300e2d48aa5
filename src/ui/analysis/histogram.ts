// Shared-bin histograms for comparing groups (trusted vs untrusted scores) and for fit overlays: pure arrays,
// no DOM. Bin edges span all groups so bars line up.

export interface Histogram {
  edges: Float64Array;
  /** counts[g][b] for group g, bin b. */
  counts: Float64Array[];
  binWidth: number;
}

export function sharedHistogram(groups: ArrayLike<number>[], bins = 40): Histogram {
  let lo = Infinity,
    hi = -Infinity;
  for (const g of groups)
    for (let i = 0; i < g.length; i++)
      if (Number.isFinite(g[i])) {
        lo = Math.min(lo, g[i]);
        hi = Math.max(hi, g[i]);
      }
  if (!(hi >= lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const binWidth = (hi - lo) / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => lo + i * binWidth);
  const counts = groups.map((g) => {
    const c = new Float64Array(bins);
    for (let i = 0; i < g.length; i++) {
      if (!Number.isFinite(g[i])) continue;
      c[Math.min(bins - 1, Math.floor((g[i] - lo) / binWidth))]++;
    }
    return c;
  });
  return { edges, counts, binWidth };
}
