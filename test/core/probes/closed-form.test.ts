// LDA and ridge against scikit-learn's numbers in reference.json (CPU, host f64).
import { describe, expect, test } from 'vitest';
import { DEFAULT_MASS_MEAN, fitMassMean } from '../../../src/core/probes/mass-mean';
import { fitLda } from '../../../src/core/probes/lda';
import { fitRidge, regressionMetrics } from '../../../src/core/probes/ridge';
import { applyProbe, probaFromScores } from '../../../src/core/probes/linear-probe';
import { centredMoments, ledoitWolfShrinkage } from '../../../src/core/stats/covariance-shrinkage';
import { classStatistics } from '../../../src/core/probes/class-statistics';
import { fitStandardization } from '../../../src/core/math/standardize';
import { accuracy, argmaxRows, auroc } from '../../../src/core/math/metrics';
import { referenceJson } from '../../support/fixtures';
import { breastCancer, diabetes, splitOf } from './datasets';

const ref = () => referenceJson();

describe('LDA', () => {
  test('matches scikit-learn LinearDiscriminantAnalysis held-out accuracy and AUROC on breast_cancer', async () => {
    const data = await breastCancer();
    const split = splitOf(ref().breast_cancer);
    const model = fitLda(data, split);
    const scores = applyProbe(model, data.x, data.cols, split.test);
    const labels = Int32Array.from(split.test, (r) => data.labels[r]);
    const predicted = argmaxRows(probaFromScores(scores, 1), 2);
    expect(Math.abs(accuracy(predicted, labels)! - ref().breast_cancer.lda.test_acc)).toBeLessThanOrEqual(1e-3);
    expect(
      Math.abs(
        auroc(
          scores,
          Array.from(labels, (l) => l === 1),
        )! - ref().breast_cancer.lda.test_auroc,
      ),
    ).toBeLessThanOrEqual(1e-3);
    expect(model.usedPseudoInverse).toBe(false);
    // Unshrunk LDA is the lsqr solver's: the same coefficients and intercept, to the f32 rounding of the inputs
    // (scikit-learn read them in f64) as amplified by a covariance with a condition number near 10⁴.
    const lda = ref().breast_cancer.lda;
    const coef = lda.lsqr_coef as number[];
    const err = Math.hypot(...coef.map((c, j) => model.weights[j] - c)) / Math.hypot(...coef);
    expect(err).toBeLessThanOrEqual(1e-3);
    expect(Math.abs(model.intercept[0] - lda.lsqr_intercept)).toBeLessThanOrEqual(1e-3 * Math.abs(lda.lsqr_intercept));
  });

  test('predictions do not depend on standardization (LDA is affine-invariant)', async () => {
    const data = await breastCancer();
    const split = splitOf(ref().breast_cancer);
    const a = applyProbe(fitLda(data, split, { shrinkage: 'none', standardize: true }), data.x, data.cols, split.test);
    const b = applyProbe(fitLda(data, split, { shrinkage: 'none', standardize: false }), data.x, data.cols, split.test);
    for (let i = 0; i < a.length; i++) expect(Math.sign(a[i])).toBe(Math.sign(b[i]));
  });

  test('multi-class scores are μ_kᵀΣ⁻¹x − ½μ_kᵀΣ⁻¹μ_k + log π_k (hand-computed)', () => {
    // μ = (0,0), (3,0), (0,3); within-class deviations ±(1,0), ±(0,1), ±(1,0): pooled scatter diag(4, 2) over
    // n = 6 (Σ_k π_k S_k, scikit-learn's lsqr solver) → Σ = diag(2/3, 1/3), Σ⁻¹ = diag(1.5, 3); π = 1/3 each.
    const x = Float32Array.from([1, 0, -1, 0, 3, 1, 3, -1, 1, 3, -1, 3]);
    const data = { x, rows: 6, cols: 2, labels: Int32Array.from([0, 0, 1, 1, 2, 2]), classes: ['a', 'b', 'c'] };
    const all = Int32Array.from({ length: 6 }, (_, i) => i);
    const m = fitLda(data, { train: all, test: all }, { shrinkage: 'none', standardize: false });
    expect(m.outputs).toBe(3);
    // Class b: Σ⁻¹μ = (4.5, 0), intercept −½·1.5·9 + log ⅓. Class c: (0, 9), −½·3·9 + log ⅓.
    expect(m.weights[0 * 3 + 1]).toBeCloseTo(4.5, 10);
    expect(m.weights[1 * 3 + 1]).toBeCloseTo(0, 10);
    expect(m.weights[1 * 3 + 2]).toBeCloseTo(9, 10);
    expect(m.intercept[1]).toBeCloseTo(-6.75 + Math.log(1 / 3), 10);
    expect(m.intercept[2]).toBeCloseTo(-13.5 + Math.log(1 / 3), 10);
    expect(m.intercept[0]).toBeCloseTo(Math.log(1 / 3), 10);
  });

  test('shrinkage 1 makes Σ a multiple of I, so LDA becomes the mass-mean direction', async () => {
    const data = await breastCancer();
    const split = splitOf(ref().breast_cancer);
    const lda = fitLda(data, split, { shrinkage: 1, standardize: true });
    const mm = fitMassMean(data, split, { ...DEFAULT_MASS_MEAN, standardize: true });
    let dot = 0,
      na = 0,
      nb = 0;
    for (let j = 0; j < data.cols; j++) {
      dot += lda.weights[j] * mm.weights[j];
      na += lda.weights[j] ** 2;
      nb += mm.weights[j] ** 2;
    }
    expect(dot / Math.sqrt(na * nb)).toBeCloseTo(1, 10);
  });

  test('Ledoit-Wolf shrinkage keeps LDA usable with fewer rows than features', async () => {
    const data = await breastCancer();
    const full = splitOf(ref().breast_cancer);
    const few = { train: full.train.slice(0, 20), test: full.test };
    const m = fitLda(data, few, { shrinkage: 'ledoit-wolf', standardize: true });
    expect(m.shrinkagePerClass.every((a) => a > 0 && a <= 1)).toBe(true);
    const scores = applyProbe(m, data.x, data.cols, full.test);
    expect(
      auroc(
        scores,
        Array.from(full.test, (r) => data.labels[r] === 1),
      )!,
    ).toBeGreaterThan(0.9);
  });
});

describe('Ledoit-Wolf shrinkage', () => {
  test("matches scikit-learn's LedoitWolf on standardized benign training rows", async () => {
    const data = await breastCancer();
    const split = splitOf(ref().breast_cancer);
    const s = fitStandardization(data.x, data.cols, split.train);
    const benign = Int32Array.from(split.train.filter((r) => data.labels[r] === 0));
    const stats = classStatistics(data.x, data.cols, benign, new Int32Array(data.rows), 1, s);
    const alpha = ledoitWolfShrinkage(centredMoments(stats.centred[0], benign.length, data.cols));
    expect(alpha).toBeCloseTo(ref().breast_cancer.mahalanobis.ledoit_wolf_shrinkage, 8);
  });
});

describe('ridge regression', () => {
  test('matches scikit-learn Ridge(alpha=1) coefficients within 1e-3 relative and held-out R² on diabetes', async () => {
    const data = await diabetes();
    const r = ref().diabetes;
    const split = splitOf(r);
    const model = fitRidge(data, split, { alpha: 1, standardize: false });
    const expected = r.ridge_alpha1_raw_features;
    (expected.coef as number[]).forEach((c, j) =>
      expect(Math.abs(model.weights[j] - c) / Math.abs(c)).toBeLessThanOrEqual(1e-3),
    );
    expect(Math.abs(model.intercept[0] - expected.intercept) / expected.intercept).toBeLessThanOrEqual(1e-3);
    expect(regressionMetrics(model, data, split.test).r2!).toBeCloseTo(expected.test_r2, 3);
  });

  test('recovers an exact linear target as α → 0 and refuses α ≤ 0', () => {
    const x = Float32Array.from([0, 1, 1, 0, 2, 3, 5, 1, 3, 3]);
    const y = Float64Array.from({ length: 5 }, (_, i) => 2 * x[2 * i] - 3 * x[2 * i + 1] + 7);
    const data = { x, rows: 5, cols: 2, y };
    const all = Int32Array.from([0, 1, 2, 3, 4]);
    const m = fitRidge(data, { train: all, test: all }, { alpha: 1e-9, standardize: false });
    expect(m.weights[0]).toBeCloseTo(2, 6);
    expect(m.weights[1]).toBeCloseTo(-3, 6);
    expect(m.intercept[0]).toBeCloseTo(7, 6);
    expect(() => fitRidge(data, { train: all, test: all }, { alpha: 0, standardize: false })).toThrow(/alpha: 0/);
  });
});
