// Calibration of binary probabilities: a reliability curve over equal-width bins and the expected calibration
// error ECE = Σ_b (n_b / N) · |fraction positive_b − mean predicted_b|.

export interface ReliabilityCurve {
  /** Bin edges [bins + 1] on [0, 1]. */
  edges: Float64Array;
  count: Int32Array;
  /** Per bin; null where the bin is empty (undefined, not 0). */
  meanPredicted: (number | null)[];
  fractionPositive: (number | null)[];
  /** Null when there are no rows. */
  ece: number | null;
}

/** Row i falls in bin min(bins − 1, ⌊p_i · bins⌋), so p = 1 lands in the last bin. */
export function reliabilityCurve(
  proba: ArrayLike<number>,
  positive: ArrayLike<boolean | number>,
  bins = 10,
): ReliabilityCurve {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`invalid number of bins: ${bins}`);
  const count = new Int32Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < proba.length; i++) {
    const p = proba[i];
    if (!(p >= 0 && p <= 1)) throw new Error(`probability ${p} at row ${i} is outside [0, 1]`);
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]++;
    sumP[b] += p;
    if (positive[i]) sumY[b]++;
  }
  const meanPredicted = Array.from(count, (c, b) => (c ? sumP[b] / c : null));
  const fractionPositive = Array.from(count, (c, b) => (c ? sumY[b] / c : null));
  let ece: number | null = null;
  if (proba.length > 0) {
    ece = 0;
    for (let b = 0; b < bins; b++)
      if (count[b]) ece += (count[b] / proba.length) * Math.abs(fractionPositive[b]! - meanPredicted[b]!);
  }
  const edges = Float64Array.from({ length: bins + 1 }, (_, b) => b / bins);
  return { edges, count, meanPredicted, fractionPositive, ece };
}
