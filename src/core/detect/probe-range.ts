// Probe-based detector: a probe trained on trusted rows gives each row a logit; rows whose logit falls outside
// the trusted range [q_lo, q_hi] (quantiles of the trusted logits) are flagged. The score is the signed
// distance outside that range in units of the trusted logits' std, so it ranks every row (negative = inside)
// and AUROC/AP stay meaningful; flagged ⇔ score > 0.

import { quantile } from '../stats/quantile';

export interface ProbeRangeOptions {
  /** Quantiles of the trusted logits that bound the "normal" range; default 0.01 and 0.99. */
  lowQuantile: number;
  highQuantile: number;
}

export const DEFAULT_PROBE_RANGE: ProbeRangeOptions = { lowQuantile: 0.01, highQuantile: 0.99 };

export interface ProbeRange {
  low: number;
  high: number;
  /** Population std of the trusted logits (1 if they are constant). */
  scale: number;
}

export function fitProbeRange(
  trustedLogits: ArrayLike<number>,
  options: ProbeRangeOptions = DEFAULT_PROBE_RANGE,
): ProbeRange {
  const { lowQuantile: a, highQuantile: b } = options;
  if (!(a >= 0 && a < b && b <= 1)) throw new Error(`invalid probe range quantiles: ${a}, ${b}`);
  const sorted = Float64Array.from(trustedLogits).sort();
  if (sorted.length === 0) throw new Error('no trusted rows to fit the probe range on');
  let mean = 0;
  for (const v of sorted) mean += v / sorted.length;
  let v2 = 0;
  for (const v of sorted) v2 += (v - mean) ** 2 / sorted.length;
  const sd = Math.sqrt(v2);
  return { low: quantile(sorted, a), high: quantile(sorted, b), scale: sd > 0 ? sd : 1 };
}

export function probeRangeScores(range: ProbeRange, logits: ArrayLike<number>): Float64Array {
  return Float64Array.from(
    { length: logits.length },
    (_, i) => Math.max(range.low - logits[i], logits[i] - range.high) / range.scale,
  );
}
