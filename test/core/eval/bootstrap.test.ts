// Bootstrap intervals: reproducible by seed, exact on small cases, and carried by an evaluation report.
import { describe, expect, test } from 'vitest';
import { bootstrapIntervals } from '../../../src/core/eval/bootstrap';
import { evaluate } from '../../../src/core/eval/report';
import { createRng, normal } from '../../../src/core/math/rng';

const meanOf = (values: number[]) => (s: Int32Array) => ({ mean: s.reduce((a, r) => a + values[r], 0) / s.length });

describe('bootstrap intervals', () => {
  test('are identical for the same seed and differ for another', () => {
    const v = Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const a = bootstrapIntervals(50, ['mean'], meanOf(v), { samples: 200, seed: 3 });
    const b = bootstrapIntervals(50, ['mean'], meanOf(v), { samples: 200, seed: 3 });
    const c = bootstrapIntervals(50, ['mean'], meanOf(v), { samples: 200, seed: 4 });
    expect(a).toEqual(b);
    expect(a.mean!.low).not.toBe(c.mean!.low);
  });
  test('of the mean of {0, 1} span [0, 1]: resample means are 0, ½, 1 with probability ¼, ½, ¼', () => {
    const r = bootstrapIntervals(2, ['mean'], meanOf([0, 1]), { samples: 2000, seed: 1, level: 0.95 })!;
    expect(r.mean).toEqual({ low: 0, high: 1, valid: 2000 });
    // At the 50% level the quartiles fall inside the ½ mass: [½, ½].
    const mid = bootstrapIntervals(2, ['mean'], meanOf([0, 1]), { samples: 2000, seed: 1, level: 0.4 })!;
    expect(mid.mean).toEqual({ low: 0.5, high: 0.5, valid: 2000 });
  });
  test('skip resamples where a metric is undefined and report it as undefined when most are', () => {
    const r = bootstrapIntervals(3, ['m'], () => ({ m: null }), { samples: 10, seed: 1 });
    expect(r.m).toBeNull();
  });
  test('an evaluation report carries intervals that contain the point estimate', () => {
    const random = createRng(9);
    const n = 300;
    const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
    const proba = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-(2 * labels[i] - 1 + normal(random))));
      proba[2 * i] = 1 - p;
      proba[2 * i + 1] = p;
    }
    const rep = evaluate({ proba, classes: 2, labels }, { samples: 300, seed: 2 });
    for (const k of ['accuracy', 'auroc', 'averagePrecision', 'logLoss', 'balancedAccuracy'] as const) {
      const iv = rep.intervals![k]!;
      expect(iv.low).toBeLessThanOrEqual(rep.metrics[k]!);
      expect(iv.high).toBeGreaterThanOrEqual(rep.metrics[k]!);
      expect(iv.high - iv.low).toBeLessThan(0.3);
    }
    expect(rep.confusion.reduce((a, b) => a + b, 0)).toBe(n);
  });
  test('AUROC and AP are undefined, not numbers, when held-out rows have one class', () => {
    const rep = evaluate(
      { proba: Float64Array.from([0.2, 0.8, 0.6, 0.4]), classes: 2, labels: Int32Array.from([1, 1]) },
      { samples: 20, seed: 0 },
    );
    expect(rep.metrics.auroc).toBeNull();
    expect(rep.intervals!.auroc).toBeNull();
    expect(rep.roc).toBeNull();
    expect(rep.metrics.accuracy).toBe(0.5);
  });
});
