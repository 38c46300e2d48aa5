// Classification metrics computed in f64 from scores. Undefined values (AUROC with one class present)
// are null, never a number that looks like a result.

/** Binary AUROC by the rank-sum (Mann-Whitney) statistic with average ranks for ties, as scikit-learn. */
export function auroc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++)
      if (positive[order[t]]) {
        nPos++;
        rankSumPos += avgRank;
      }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** One-vs-rest macro AUROC over classes present in both roles; null if none qualifies. */
export function macroAuroc(proba: Float64Array, classes: number, labels: Int32Array): number | null {
  const n = labels.length;
  let sum = 0;
  let count = 0;
  const col = new Float64Array(n);
  const pos = new Uint8Array(n);
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < n; i++) {
      col[i] = proba[i * classes + k];
      pos[i] = labels[i] === k ? 1 : 0;
    }
    const a = auroc(col, pos);
    if (a !== null) {
      sum += a;
      count++;
    }
  }
  return count ? sum / count : null;
}

export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  if (labels.length === 0) return null;
  let hit = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hit++;
  return hit / labels.length;
}

/** Mean negative log-likelihood; probabilities clipped like scikit-learn's log_loss (eps = 1e-15). */
export function logLoss(proba: Float64Array, classes: number, labels: Int32Array): number | null {
  if (labels.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, proba[i * classes + labels[i]]));
    sum -= Math.log(p);
  }
  return sum / labels.length;
}

export function argmaxRows(proba: Float64Array, classes: number): Int32Array {
  const n = proba.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (proba[i * classes + k] > proba[i * classes + best]) best = k;
    out[i] = best;
  }
  return out;
}
