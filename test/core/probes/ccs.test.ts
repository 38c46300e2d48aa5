// CCS on contrast_pairs.npz: per-side centring from training rows, seeded restarts, sign fixed with labels.
import { describe, expect, test } from 'vitest';
import { ccsCredence, ccsLossAndGradient, fitCcs, DEFAULT_CCS } from '../../../src/core/probes/ccs';
import { makeSplit } from '../../../src/core/split/split';
import { contrastPairs } from './datasets';

describe('CCS', () => {
  test('reaches held-out accuracy above 0.9 on contrast_pairs, with the sign fixed from training labels', async () => {
    const pairs = await contrastPairs();
    const split = makeSplit({ kind: 'random', testFraction: 0.3, seed: 7, stratify: false }, pairs.rows);
    const r = await fitCcs(pairs, split);
    expect(r.signFixedWithLabels).toBe(true);
    expect(r.restartLosses).toHaveLength(DEFAULT_CCS.restarts);
    expect(r.loss).toBe(Math.min(...r.restartLosses));
    const credence = ccsCredence(r.model, pairs, split.test);
    let hit = 0;
    split.test.forEach((row, i) => {
      if ((credence[i] > 0.5 ? 1 : 0) === pairs.labels[row]) hit++;
    });
    expect(hit / split.test.length).toBeGreaterThan(0.9);
  });

  test('centres each side with training-row statistics only', async () => {
    const pairs = await contrastPairs();
    const split = makeSplit({ kind: 'random', testFraction: 0.3, seed: 7, stratify: false }, pairs.rows);
    const r = await fitCcs(pairs, split, { ...DEFAULT_CCS, restarts: 1 });
    let mean0 = 0;
    for (const row of split.train) mean0 += pairs.xPlus[row * pairs.cols];
    expect(r.model.standardization.mean[0]).toBeCloseTo(mean0 / split.train.length, 5);
    // The two sides differ by a constant offset; their means must differ accordingly.
    expect(Math.abs(r.model.standardization.mean[0] - r.model.pairStandardization!.mean[0])).toBeGreaterThan(0.5);
  });

  test('is reproducible by seed', async () => {
    const pairs = await contrastPairs();
    const split = makeSplit({ kind: 'random', testFraction: 0.3, seed: 1, stratify: false }, pairs.rows);
    const cfg = { ...DEFAULT_CCS, restarts: 2, seed: 5 };
    const a = await fitCcs(pairs, split, cfg);
    const b = await fitCcs(pairs, split, cfg);
    expect(Array.from(a.model.weights)).toEqual(Array.from(b.model.weights));
  });

  test('the gradient matches central finite differences of the CCS loss', () => {
    const d = 3,
      n = 4;
    const xp = Float64Array.from([0.3, -1, 0.5, 1.2, 0.1, -0.4, -0.7, 0.9, 0.2, 0.0, -0.3, 1.1]);
    const xm = Float64Array.from([-0.2, 0.8, -0.6, -1.0, 0.3, 0.5, 0.6, -0.8, 0.1, 0.4, 0.2, -0.9]);
    const theta = Float64Array.from([0.4, -0.3, 0.7, 0.1]);
    const { g } = ccsLossAndGradient(theta, xp, xm, n, d, 0.01);
    for (let j = 0; j <= d; j++) {
      const h = 1e-6;
      const up = Float64Array.from(theta);
      up[j] += h;
      const dn = Float64Array.from(theta);
      dn[j] -= h;
      const fd =
        (ccsLossAndGradient(up, xp, xm, n, d, 0.01).f - ccsLossAndGradient(dn, xp, xm, n, d, 0.01).f) / (2 * h);
      expect(g[j]).toBeCloseTo(fd, 7);
    }
  });

  test('a loss of exactly 0.25 per pair at θ = 0 (p = ½ on both sides: consistency 0, confidence ¼)', () => {
    const { f } = ccsLossAndGradient(new Float64Array(3), new Float64Array(4), new Float64Array(4), 2, 2, 0);
    expect(f).toBe(0.25);
  });
});
