// Threshold-free and per-class metrics beyond src/core/math/metrics.ts, in f64, defined as scikit-learn
// defines them. Undefined values (no positives, one class present, no rows) are null.

/** Mean recall over the classes present in `labels` (scikit-learn's balanced_accuracy_score). */
export function balancedAccuracy(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): number | null {
  if (labels.length === 0) return null;
  const hits = new Float64Array(classes);
  const counts = new Float64Array(classes);
  for (let i = 0; i < labels.length; i++) {
    counts[labels[i]]++;
    if (predicted[i] === labels[i]) hits[labels[i]]++;
  }
  let sum = 0;
  let present = 0;
  for (let k = 0; k < classes; k++)
    if (counts[k] > 0) {
      sum += hits[k] / counts[k];
      present++;
    }
  return sum / present;
}

/** Row order by descending score; stable on ties so equal scores form one threshold group. */
function descending(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * Average precision as scikit-learn's step definition: AP = Σ_n (R_n − R_{n−1}) P_n over the distinct score
 * thresholds taken from high to low (no interpolation). Null when there is no positive row.
 */
export function averagePrecision(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number | null {
  const order = descending(scores);
  let nPos = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) nPos++;
  if (nPos === 0) return null;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    // All rows tied at this score cross the threshold together.
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (positive[order[j]]) tp++;
      seen++;
      j++;
    }
    const recall = tp / nPos;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
    i = j;
  }
  return ap;
}

export interface RocCurve {
  /** False- and true-positive rates, from (0, 0) to (1, 1), one point per distinct score. */
  fpr: Float64Array;
  tpr: Float64Array;
  /** Score at which each point starts; the first is +Infinity (nothing predicted positive). */
  thresholds: Float64Array;
}

/** ROC points at every distinct threshold (scikit-learn's roc_curve with drop_intermediate=False); null with one class. */
export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): RocCurve | null {
  const order = descending(scores);
  let nPos = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) nPos++;
  const nNeg = positive.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const fpr = [0];
  const tpr = [0];
  const thresholds = [Infinity];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length;) {
    const s = scores[order[i]];
    while (i < order.length && scores[order[i]] === s) {
      if (positive[order[i]]) tp++;
      else fp++;
      i++;
    }
    fpr.push(fp / nNeg);
    tpr.push(tp / nPos);
    thresholds.push(s);
  }
  return { fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr), thresholds: Float64Array.from(thresholds) };
}

/** Confusion counts, row = true class, column = predicted class (scikit-learn's layout), [K, K] row-major. */
export function confusionMatrix(predicted: ArrayLike<number>, labels: ArrayLike<number>, classes: number): Int32Array {
  const m = new Int32Array(classes * classes);
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i];
    const p = predicted[i];
    if (!(t >= 0 && t < classes) || !(p >= 0 && p < classes)) {
      throw new Error(
        `row ${i}: class ${!(t >= 0 && t < classes) ? `label ${t}` : `prediction ${p}`} is outside 0..${classes - 1}`,
      );
    }
    m[t * classes + p]++;
  }
  return m;
}
