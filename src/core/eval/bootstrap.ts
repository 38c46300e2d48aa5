// Seeded percentile-bootstrap confidence intervals: rows are resampled with replacement, every metric is
// computed on the same resamples, and the interval is the (α/2, 1 − α/2) quantiles. Resamples where a metric
// is undefined (e.g. AUROC with one class drawn) are skipped and counted, never averaged as numbers.

import { createRng } from '../math/rng';
import { quantile } from '../stats/quantile';

export interface BootstrapOptions {
  samples: number;
  seed: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { samples: 1000, seed: 0, level: 0.95 };

export interface Interval {
  low: number;
  high: number;
  /** Resamples where the metric was defined. */
  valid: number;
}

/**
 * Intervals for several metrics computed together on each resample (one call of `measure` per resample, so
 * shared work such as a sort is done once). Null for a metric defined on fewer than half the resamples: too few
 * for a percentile to mean anything.
 */
export function bootstrapIntervals<K extends string>(
  rows: number,
  names: readonly K[],
  measure: (sample: Int32Array) => Record<K, number | null>,
  options: Partial<BootstrapOptions> = {},
): Record<K, Interval | null> {
  const { samples, seed, level } = { ...DEFAULT_BOOTSTRAP, ...options };
  if (!(Number.isInteger(samples) && samples >= 1)) throw new Error(`invalid bootstrap sample count: ${samples}`);
  if (!(level > 0 && level < 1)) throw new Error(`invalid confidence level: ${level}`);
  const values = new Map<K, number[]>(names.map((k) => [k, []]));
  const out = {} as Record<K, Interval | null>;
  if (rows === 0) {
    for (const k of names) out[k] = null;
    return out;
  }
  const random = createRng(seed);
  const sample = new Int32Array(rows);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < rows; i++) sample[i] = Math.floor(random() * rows);
    const measured = measure(sample);
    for (const k of names) {
      const v = measured[k];
      if (v !== null && Number.isFinite(v)) values.get(k)!.push(v);
    }
  }
  for (const k of names) {
    const v = values.get(k)!.sort((a, b) => a - b);
    out[k] =
      v.length * 2 < samples
        ? null
        : { low: quantile(v, (1 - level) / 2), high: quantile(v, 1 - (1 - level) / 2), valid: v.length };
  }
  return out;
}
