// Per-latent statistics for the feature browser, accumulated over code batches on the host (f64): firing
// count, max and sum of activations, the top-N activating rows, and a histogram of nonzero activations.

export interface FeatureStats {
  m: number;
  rows: number;
  fires: Float64Array;
  maxAct: Float64Array;
  sumAct: Float64Array;
  /** Top rows per latent, descending by activation: [m, topN] row indices (−1 = empty) and values. */
  topN: number;
  topRows: Int32Array;
  topValues: Float32Array;
  /** Per-latent histogram of activation / maxAct over (0, 1], `bins` bins; filled by `finishHistograms`. */
  bins: number;
  histograms: Float32Array;
}

export function emptyFeatureStats(m: number, topN: number, bins = 20): FeatureStats {
  return {
    m,
    rows: 0,
    fires: new Float64Array(m),
    maxAct: new Float64Array(m),
    sumAct: new Float64Array(m),
    topN,
    topRows: new Int32Array(m * topN).fill(-1),
    topValues: new Float32Array(m * topN),
    bins,
    histograms: new Float32Array(m * bins),
  };
}

/** Adds codes f [B, m] of rows rowIds[0..B). Keeps each latent's top list sorted by insertion (topN is small). */
export function addCodes(s: FeatureStats, f: Float32Array, rowIds: ArrayLike<number>): void {
  const { m, topN } = s;
  const B = rowIds.length;
  s.rows += B;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < m; i++) {
      const v = f[b * m + i];
      if (!(v > 0)) continue;
      s.fires[i]++;
      s.sumAct[i] += v;
      if (v > s.maxAct[i]) s.maxAct[i] = v;
      const base = i * topN;
      if (topN === 0 || (s.topRows[base + topN - 1] >= 0 && v <= s.topValues[base + topN - 1])) continue;
      let p = topN - 1;
      while (p > 0 && (s.topRows[base + p - 1] < 0 || s.topValues[base + p - 1] < v)) {
        s.topRows[base + p] = s.topRows[base + p - 1];
        s.topValues[base + p] = s.topValues[base + p - 1];
        p--;
      }
      s.topRows[base + p] = rowIds[b];
      s.topValues[base + p] = v;
    }
  }
}

/** Second pass over the same codes (maxAct now known): histogram of v / maxAct. */
export function addToHistograms(s: FeatureStats, f: Float32Array, B: number): void {
  const { m, bins } = s;
  for (let b = 0; b < B; b++)
    for (let i = 0; i < m; i++) {
      const v = f[b * m + i];
      if (!(v > 0) || !(s.maxAct[i] > 0)) continue;
      s.histograms[i * bins + Math.min(bins - 1, Math.floor((v / s.maxAct[i]) * bins))]++;
    }
}

/** Label mix of each latent's top rows: counts [m, classes] and purity (largest share; null with no top rows). */
export function labelMix(
  s: FeatureStats,
  labels: Int32Array,
  classes: number,
): { counts: Int32Array; purity: Array<number | null> } {
  const counts = new Int32Array(s.m * classes);
  const purity: Array<number | null> = [];
  for (let i = 0; i < s.m; i++) {
    let n = 0,
      top = 0;
    for (let p = 0; p < s.topN; p++) {
      const r = s.topRows[i * s.topN + p];
      if (r < 0) break;
      const c = labels[r];
      if (c >= 0 && c < classes) {
        const v = ++counts[i * classes + c];
        n++;
        top = Math.max(top, v);
      }
    }
    purity.push(n ? top / n : null);
  }
  return { counts, purity };
}

/** For each latent, the `n` other decoder rows with the highest cosine: [m, n] indices and cosines. */
export function decoderNeighbours(
  wDec: Float32Array,
  m: number,
  d: number,
  n: number,
): { index: Int32Array; cosine: Float32Array } {
  const norms = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += wDec[i * d + j] ** 2;
    norms[i] = Math.sqrt(s) || 1;
  }
  const index = new Int32Array(m * n).fill(-1);
  const cosine = new Float32Array(m * n).fill(-Infinity);
  for (let i = 0; i < m; i++) {
    for (let o = 0; o < m; o++) {
      if (o === i) continue;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += wDec[i * d + j] * wDec[o * d + j];
      const c = dot / (norms[i] * norms[o]);
      let p = n - 1;
      if (n === 0 || c <= cosine[i * n + p]) continue;
      while (p > 0 && cosine[i * n + p - 1] < c) {
        cosine[i * n + p] = cosine[i * n + p - 1];
        index[i * n + p] = index[i * n + p - 1];
        p--;
      }
      cosine[i * n + p] = c;
      index[i * n + p] = o;
    }
  }
  return { index, cosine };
}
