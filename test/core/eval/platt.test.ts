// Platt scaling against scikit-learn: the sigmoid fit with Platt's smoothed targets, and its cross-fitting as
// CalibratedClassifierCV(method='sigmoid', ensemble=False) on reference.json's folds of breast_cancer.
import { describe, expect, test } from 'vitest';
import { applyPlatt, crossFitPlatt, fitPlatt } from '../../../src/core/eval/platt';
import { createRng, normal } from '../../../src/core/math/rng';
import { fitLda } from '../../../src/core/probes/lda';
import { applyProbe } from '../../../src/core/probes/linear-probe';
import { referenceJson } from '../../support/fixtures';
import { breastCancer, splitOf } from '../probes/datasets';

describe('Platt scaling', () => {
  test('recovers the generating a, b of σ(a·s + b) labels', () => {
    const random = createRng(11);
    const n = 20000;
    const s = Float64Array.from({ length: n }, () => normal(random));
    const y = Uint8Array.from(s, (v) => (random() < 1 / (1 + Math.exp(-(2 * v - 1))) ? 1 : 0));
    const p = fitPlatt(s, y);
    expect(p.a).toBeGreaterThan(1.9);
    expect(p.a).toBeLessThan(2.1);
    expect(p.b).toBeGreaterThan(-1.1);
    expect(p.b).toBeLessThan(-0.9);
  });
  test("stops at a stationary point of the loss with Platt's smoothed targets", () => {
    const s = [-2, -1, -0.5, 0.3, 0.2, 1, 2.5];
    const y = [0, 0, 1, 0, 1, 1, 1];
    const fit = fitPlatt(s, y);
    const p = applyPlatt(fit, s);
    const nPos = 4,
      nNeg = 3;
    const t = y.map((v) => (v ? (nPos + 1) / (nPos + 2) : 1 / (nNeg + 2)));
    const gB = p.reduce((a, v, i) => a + v - t[i], 0);
    const gA = p.reduce((a, v, i) => a + (v - t[i]) * s[i], 0);
    expect(Math.abs(gA)).toBeLessThan(1e-8);
    expect(Math.abs(gB)).toBeLessThan(1e-8);
  });
  test('refuses scores from a single class', () => {
    expect(() => fitPlatt([1, 2], [1, 1])).toThrow(/2 positive and 0 negative/);
  });
});

describe('cross-fitted Platt scaling', () => {
  async function referenceCase() {
    const ref = referenceJson().platt_cross_fitted;
    const data = await breastCancer();
    const split = splitOf(referenceJson().breast_cancer);
    const foldOf = ref.fold_of_train_row as number[];
    const folds = Array.from({ length: ref.folds as number }, (_, f) => ({
      fit: split.train.filter((_, i) => foldOf[i] !== f),
      validation: split.train.filter((_, i) => foldOf[i] === f),
    }));
    const positive = (row: number) => data.labels[row] === 1;
    const lda = (fit: Int32Array, heldOut: Int32Array) => fitLda(data, { train: fit, test: heldOut });
    return { ref, data, split, folds, positive, lda };
  }

  test("equals scikit-learn's CalibratedClassifierCV(LDA, method='sigmoid', ensemble=False) on breast_cancer", async () => {
    const { ref, data, split, folds, positive, lda } = await referenceCase();
    const r = (await crossFitPlatt(folds, positive, async (fit, heldOut) =>
      applyProbe(lda(fit, heldOut), data.x, data.cols, heldOut),
    ))!;
    // Out-of-fold scores: each training row scored by the LDA refitted without its fold (cross_val_predict).
    (ref.out_of_fold_decision_first10 as number[]).forEach((v, i) => {
      const at = r.rows.indexOf(split.train[i]);
      expect(Math.abs(r.outOfFold[at] - v)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v)));
    });
    // scikit-learn's p = 1 / (1 + exp(a f + b)) is σ(−a f − b): our (a, b) are its negatives.
    expect(r.scaling.a).toBeCloseTo(-ref.a_tight, 5);
    expect(r.scaling.b).toBeCloseTo(-ref.b_tight, 5);
    expect(r.scaling.a).toBeCloseTo(-ref.a, 5);
    // The calibrated model is the LDA fitted on all training rows, its held-out scores through the one sigmoid.
    const p = applyPlatt(r.scaling, applyProbe(lda(split.train, split.test), data.x, data.cols, split.test));
    (ref.test_proba as number[]).forEach((v, i) => expect(Math.abs(p[i] - v)).toBeLessThan(1e-5));
  });

  test('differs from a sigmoid fitted on the in-sample training scores, which the cross-fitting replaces', async () => {
    const { ref, data, split, positive, lda } = await referenceCase();
    const inSample = fitPlatt(
      applyProbe(lda(split.train, split.test), data.x, data.cols, split.train),
      Array.from(split.train, positive),
    );
    expect(Math.abs(inSample.a - -ref.a_tight)).toBeGreaterThan(0.05);
  });

  test('stops with null when a refit is cancelled, and refuses a scorer that skips rows', async () => {
    const folds = [
      { fit: Int32Array.of(2, 3), validation: Int32Array.of(0, 1) },
      { fit: Int32Array.of(0, 1), validation: Int32Array.of(2, 3) },
    ];
    expect(
      await crossFitPlatt(
        folds,
        (r) => r % 2 === 1,
        async () => null,
      ),
    ).toBeNull();
    await expect(
      crossFitPlatt(
        folds,
        (r) => r % 2 === 1,
        async () => [0.5],
      ),
    ).rejects.toThrow(/scored 1 rows/);
  });
});
