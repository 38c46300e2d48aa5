// PCA against scikit-learn (reference.json) and the weight SVD against closed forms.
import { describe, expect, test } from 'vitest';
import { covarianceStatsHost } from '../../../src/core/detect/covariance-stats';
import { fitPca, projectRows } from '../../../src/core/project/pca';
import { weightSvd } from '../../../src/core/project/weight-svd';
import { referenceJson } from '../../support/fixtures';
import { loadBreastCancer } from '../../support/breast-cancer';

describe('PCA', () => {
  test('explained-variance ratio on standardized breast_cancer train rows matches scikit-learn', async () => {
    const bc = await loadBreastCancer();
    const pca = fitPca(covarianceStatsHost(bc.z, bc.d, bc.train), 5);
    const expected = referenceJson().breast_cancer.pca_explained_variance_ratio_first5 as number[];
    // f32 storage of the z-scored rows bounds agreement near 1e-7 relative.
    expected.forEach((e, i) => expect(Math.abs(pca.explainedVarianceRatio[i] - e) / e).toBeLessThan(1e-6));
  });
  test('projection onto two components of an axis-aligned cloud returns the coordinates along the big axes', () => {
    // Points spread 10 along x, 3 along z, 0.1 along y: components 0 and 1 are ±x and ±z.
    const x = Float32Array.from([10, 0.1, 0, -10, -0.1, 0, 0, 0, 3, 0, 0, -3]);
    const pca = fitPca(covarianceStatsHost(x, 3, [0, 1, 2, 3]), 2);
    const { xs, ys } = projectRows(pca, x, [0, 2]);
    expect(Math.abs(xs[0])).toBeCloseTo(Math.hypot(10, 0.1), 4);
    expect(Math.abs(ys[1])).toBeCloseTo(3, 4);
  });
});

describe('SVD of a weight matrix', () => {
  test('singular values of [[3, 0], [4, 5]] are √45 and √5, with W v = s u', () => {
    const w = [3, 0, 4, 5];
    const s = weightSvd(w, 2, 2);
    expect(s.singularValues[0]).toBeCloseTo(Math.sqrt(45), 12);
    expect(s.singularValues[1]).toBeCloseTo(Math.sqrt(5), 12);
    for (let t = 0; t < 2; t++) {
      for (let i = 0; i < 2; i++) {
        const wv = w[i * 2] * s.right[t * 2] + w[i * 2 + 1] * s.right[t * 2 + 1];
        expect(wv).toBeCloseTo(s.singularValues[t] * s.left[t * 2 + i], 12);
      }
    }
  });
  test('a wide matrix uses the other Gram and gives the same singular values as its transpose', () => {
    const w = [1, 2, 3, 4, 5, 6]; // 2×3
    const wt = [1, 4, 2, 5, 3, 6]; // 3×2
    const a = weightSvd(w, 2, 3);
    const b = weightSvd(wt, 3, 2);
    expect(a.singularValues[0]).toBeCloseTo(b.singularValues[0], 12);
    expect(a.singularValues[1]).toBeCloseTo(b.singularValues[1], 12);
    // ‖W‖²_F = Σ s²: 91
    expect(a.singularValues[0] ** 2 + a.singularValues[1] ** 2).toBeCloseTo(91, 10);
  });
});
