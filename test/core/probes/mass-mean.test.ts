// The mass-mean probe against numpy: the default direction is μ₁ − μ₀ in activation space (reference.json's
// anisotropic toy set, where the z-scored direction is nearly orthogonal to it, and breast_cancer).
import { describe, expect, test } from 'vitest';
import { DEFAULT_MASS_MEAN, fitMassMean } from '../../../src/core/probes/mass-mean';
import { applyProbe, rawSpaceWeights } from '../../../src/core/probes/linear-probe';
import { probeToPlain } from '../../../src/core/probes/probe-export';
import { auroc } from '../../../src/core/math/metrics';
import { cosine, referenceJson } from '../../support/fixtures';
import { breastCancer, splitOf } from './datasets';

const ref = () => referenceJson();

function anisotropic() {
  const r = ref().mass_mean_anisotropic;
  const all = Int32Array.from({ length: r.rows }, (_, i) => i);
  const data = {
    x: Float32Array.from(r.x as number[]),
    rows: r.rows as number,
    cols: r.cols as number,
    labels: Int32Array.from(r.y as number[]),
    classes: ['0', '1'],
  };
  return { r, data, split: { train: all, test: all } };
}

describe('mass-mean probe', () => {
  test('the default direction is the activation-space μ₁ − μ₀ on an anisotropic set (numpy)', () => {
    const { r, data, split } = anisotropic();
    // The set is chosen so that the z-scored direction disagrees with μ₁ − μ₀.
    expect(Math.abs(r.cosine_raw_vs_standardized)).toBeLessThan(0.1);
    const m = fitMassMean(data, split);
    const raw = rawSpaceWeights(m);
    expect(cosine(raw.weight, r.raw_direction)).toBeGreaterThanOrEqual(0.9999);
    (r.raw_direction as number[]).forEach((v, j) => expect(raw.weight[j]).toBeCloseTo(v, 9));
    expect(raw.bias[0]).toBeCloseTo(r.raw_intercept, 8);
    // Fitted in activation space, the stored weights are the raw ones, and the export says so.
    expect(Array.from(m.standardization.scale)).toEqual([1, 1, 1, 1]);
    const plain = probeToPlain(m);
    expect(cosine(plain.raw_weight as number[], r.raw_direction)).toBeGreaterThanOrEqual(0.9999);
    expect(plain.space).toMatch(/raw activations/);
  });

  test('standardize: true is the diagonally whitened direction diag(1/σ²)(μ₁ − μ₀), named apart', () => {
    const { r, data, split } = anisotropic();
    const m = fitMassMean(data, split, { ...DEFAULT_MASS_MEAN, standardize: true });
    expect(cosine(rawSpaceWeights(m).weight, r.standardized_direction_in_raw_space)).toBeGreaterThanOrEqual(0.9999);
    expect(Math.abs(cosine(rawSpaceWeights(m).weight, r.raw_direction))).toBeLessThan(0.1);
  });

  test("on breast_cancer the default equals numpy's raw μ₁ − μ₀ and its held-out AUROC; z-scored, the other AUROC", async () => {
    const data = await breastCancer();
    const split = splitOf(ref().breast_cancer);
    const y = Array.from(split.test, (r) => data.labels[r] === 1);
    const mm = ref().breast_cancer.mass_mean;
    const raw = fitMassMean(data, split);
    expect(cosine(raw.weights, mm.raw_coef)).toBeGreaterThanOrEqual(0.9999);
    expect(auroc(applyProbe(raw, data.x, data.cols, split.test), y)!).toBeCloseTo(mm.raw_test_auroc, 6);
    const z = fitMassMean(data, split, { ...DEFAULT_MASS_MEAN, standardize: true });
    expect(auroc(applyProbe(z, data.x, data.cols, split.test), y)!).toBeCloseTo(mm.test_auroc, 6);
  });

  test('the boundary sits at the midpoint of the class means', async () => {
    const data = {
      x: Float32Array.from([0, 0, 2, 0, 4, 2, 6, 2]),
      rows: 4,
      cols: 2,
      labels: Int32Array.from([0, 0, 1, 1]),
      classes: ['a', 'b'],
    };
    const m = fitMassMean(
      data,
      { train: Int32Array.from([0, 1, 2, 3]), test: Int32Array.from([0]) },
      { variant: 'plain', standardize: false, pinvAtol: 1e-3 },
    );
    // μ0 = (1, 0), μ1 = (5, 2): θ = (4, 2), b = −θ·(3, 1) = −14.
    expect(Array.from(m.weights)).toEqual([4, 2]);
    expect(m.intercept[0]).toBe(-14);
  });

  test('the iid variant whitens θ by the pooled within-class covariance', () => {
    // Within-class deviations ±(1, 0) and ±(0, 2) in both classes: Σ_w = diag(0.5, 2), θ = μ1 − μ0 = (2, 2).
    const x = Float32Array.from([1, 0, -1, 0, 0, 2, 0, -2, 3, 2, 1, 2, 2, 4, 2, 0]);
    const data = { x, rows: 8, cols: 2, labels: Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]), classes: ['a', 'b'] };
    const all = Int32Array.from({ length: 8 }, (_, i) => i);
    const m = fitMassMean(data, { train: all, test: all }, { variant: 'iid', standardize: false, pinvAtol: 1e-3 });
    expect(m.weights[0]).toBeCloseTo(2 / 0.5, 10);
    expect(m.weights[1]).toBeCloseTo(2 / 2, 10);
    expect(m.method).toBe('mass-mean-iid');
  });
});
