// Mean max cosine similarity between a ground-truth dictionary and a learned one: for each true feature, the
// best signed cosine with any learned decoder row (signed: SAE codes are non-negative, so a flipped direction
// is not a recovered feature), averaged over the true features.

export interface MmcsResult {
  mmcs: number;
  /** True features whose best learned row has cosine above `threshold`. */
  found: number;
  threshold: number;
  /** Per true feature: best cosine and the learned row achieving it. */
  best: Float64Array;
  bestIndex: Int32Array;
}

/** truth [n, d], learned [m, d], row-major. */
export function mmcs(
  truth: ArrayLike<number>,
  n: number,
  learned: ArrayLike<number>,
  m: number,
  d: number,
  threshold = 0.9,
): MmcsResult {
  const norm = (a: ArrayLike<number>, r: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += a[r * d + j] ** 2;
    return Math.sqrt(s);
  };
  const ln = Float64Array.from({ length: m }, (_, i) => norm(learned, i));
  const best = new Float64Array(n).fill(-Infinity);
  const bestIndex = new Int32Array(n).fill(-1);
  for (let t = 0; t < n; t++) {
    const tn = norm(truth, t);
    for (let i = 0; i < m; i++) {
      if (ln[i] === 0 || tn === 0) continue;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += truth[t * d + j] * learned[i * d + j];
      const c = dot / (tn * ln[i]);
      if (c > best[t]) {
        best[t] = c;
        bestIndex[t] = i;
      }
    }
  }
  let sum = 0,
    found = 0;
  for (let t = 0; t < n; t++) {
    sum += Number.isFinite(best[t]) ? best[t] : 0;
    if (best[t] > threshold) found++;
  }
  return { mmcs: n ? sum / n : 0, found, threshold, best, bestIndex };
}
