// The numbers a detector is judged by, on held-out rows: AUROC and average precision with "untrusted" (or
// anomalous) as the positive class. Both are null when only one class is present.

import { auroc } from '../math/metrics';
import { averagePrecision } from '../eval/binary-metrics';

export interface DetectorMetrics {
  auroc: number | null;
  averagePrecision: number | null;
  positives: number;
  negatives: number;
}

export function detectorMetrics(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): DetectorMetrics {
  let positives = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) positives++;
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new Error(`detector score ${i} is NaN`);
  }
  return {
    auroc: auroc(scores, positive),
    averagePrecision: averagePrecision(scores, positive),
    positives,
    negatives: positive.length - positives,
  };
}
