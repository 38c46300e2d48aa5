// Pure SAE helpers: config rules, the shuffle control, normalization folding, init, feature statistics.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/math/rng';
import {
  changeEffect,
  defaultLr,
  DEFAULT_SAE_CONFIG,
  lrAt,
  sparsityAt,
  validateSaeConfig,
} from '../../../src/core/sae/config';
import { shuffleColumns } from '../../../src/core/sae/baselines';
import { foldScale, normalizationScale } from '../../../src/core/sae/normalization';
import { referenceSae } from '../../../src/core/sae/reference';
import { initSaeParams } from '../../../src/core/sae/init';
import { geometricMedian } from '../../../src/core/sae/geometric-median';
import {
  addCodes,
  addToHistograms,
  decoderNeighbours,
  emptyFeatureStats,
  labelMix,
} from '../../../src/core/sae/feature-stats';
import { expectClose, randn } from '../../support/sae-grad-cases';

describe('SAE config', () => {
  it('default lr is 2e-4·√(2¹⁴/m)', () => {
    expect(defaultLr(2 ** 14)).toBe(2e-4);
    expect(defaultLr(512)).toBeCloseTo(2e-4 * Math.sqrt(32), 15);
  });

  it('lr warms up, holds, and decays linearly to 0; λ warms up linearly', () => {
    const c = {
      ...DEFAULT_SAE_CONFIG,
      lr: 1,
      lrWarmupSteps: 10,
      steps: 100,
      lrDecayFraction: 0.2,
      sparsityCoefficient: 4,
      sparsityWarmupSteps: 4,
    };
    expect(lrAt(c, 0)).toBeCloseTo(0.1, 15);
    expect(lrAt(c, 50)).toBe(1);
    expect(lrAt(c, 90)).toBeCloseTo(0.5, 15);
    expect(sparsityAt(c, 1)).toBe(2);
    expect(sparsityAt(c, 10)).toBe(4);
  });

  it('optimiser and sparsity edits continue the run; shape, family, seed and data edits restart it', () => {
    const c = DEFAULT_SAE_CONFIG;
    expect(changeEffect(c, { ...c, lr: 1e-3, k: 8, sparsityCoefficient: 2, batchSize: 64 })).toEqual({
      effect: 'continue',
    });
    expect(changeEffect(c, { ...c, dSae: 1024, seed: 2, lr: 1 })).toEqual({
      effect: 'restart',
      because: ['dSae', 'seed'],
    });
  });

  it('rejects a k larger than the dictionary, naming the field and value', () => {
    expect(() => validateSaeConfig({ ...DEFAULT_SAE_CONFIG, dSae: 8, k: 9 }, 4)).toThrow(/invalid k: 9/);
  });
});

describe('sanity baselines', () => {
  it('shuffling each column keeps every column’s values and breaks the rows’ joint structure', () => {
    const rows = 200,
      cols = 3;
    const x = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) x[r * cols + j] = r; // perfectly correlated columns
    const s = shuffleColumns(x, rows, cols, createRng(1));
    for (let j = 0; j < cols; j++) {
      const col = Array.from({ length: rows }, (_, r) => s[r * cols + j]).sort((a, b) => a - b);
      expect(col).toEqual(Array.from({ length: rows }, (_, r) => r));
    }
    let same = 0;
    for (let r = 0; r < rows; r++) if (s[r * cols] === s[r * cols + 1]) same++;
    expect(same).toBeLessThan(10);
  });
});

describe('activation normalization', () => {
  it('the scale makes the mean row norm √d on the given rows', () => {
    const x = new Float32Array([3, 4, 0, 0, 6, 8]); // norms 5, 0, 10
    expect(normalizationScale(x, 2, [0, 2])).toBeCloseTo(Math.SQRT2 / 7.5, 15);
  });

  it('folded weights reconstruct raw rows exactly as the trained weights reconstruct scaled rows, divided by s', () => {
    const d = 4,
      m = 6,
      B = 5,
      s = 2.5;
    const r = createRng(7);
    const p = { wEnc: randn(d * m, r), bEnc: randn(m, r, 0.2), wDec: randn(m * d, r), bDec: randn(d, r) };
    const x = randn(B * d, r);
    const scaled = x.map((v) => v * s);
    const trained = referenceSae(p, scaled, B, d, m, { architecture: 'topk', k: 2 });
    const folded = referenceSae(foldScale(p, s), x, B, d, m, { architecture: 'topk', k: 2 });
    expectClose(folded.f, trained.f, 1e-6, 'codes unchanged');
    expectClose(
      folded.xHat,
      trained.xHat.map((v) => v / s),
      1e-6,
      'x̂ = x̂′ / s',
    );
  });
});

describe('initialisation', () => {
  it('W_enc = W_decᵀ, TopK decoder rows are unit-norm, b_enc = 0, b_dec as given', () => {
    const d = 5,
      m = 7;
    const p = initSaeParams('topk', d, m, [1, 2, 3, 4, 5], createRng(3));
    for (let i = 0; i < m; i++) {
      expect(Math.hypot(...p.wDec.subarray(i * d, (i + 1) * d))).toBeCloseTo(1, 6);
      for (let j = 0; j < d; j++) expect(p.wEnc[j * m + i]).toBe(p.wDec[i * d + j]);
    }
    expect(Array.from(p.bDec)).toEqual([1, 2, 3, 4, 5]);
    expect(p.bEnc.every((v) => v === 0)).toBe(true);
    expect(
      initSaeParams('relu', d, m, new Float32Array(d), createRng(3))
        .wDec.subarray(0, d)
        .reduce((s, v) => s + v * v, 0),
    ).toBeCloseTo(0.01, 6);
  });

  it('the geometric median of collinear points is their median, unlike the mean', () => {
    const x = new Float32Array([0, 0, 1, 0, 2, 0, 100, 0, 3, 0]);
    const g = geometricMedian(x, 2, [0, 1, 2, 3, 4], 500, 1e-12);
    expect(g[0]).toBeCloseTo(2, 3);
    expect(g[1]).toBeCloseTo(0, 9);
  });
});

describe('feature statistics', () => {
  // 4 rows × 2 latents: latent 0 fires on rows 0, 2, 3; latent 1 only on row 1.
  const f = new Float32Array([1, 0, 0, 5, 3, 0, 2, 0]);
  it('keeps each latent’s top rows in descending order, with counts, max and mean', () => {
    const s = emptyFeatureStats(2, 2, 4);
    addCodes(s, f.subarray(0, 4), [10, 11]);
    addCodes(s, f.subarray(4), [12, 13]);
    expect(Array.from(s.topRows)).toEqual([12, 13, 11, -1]);
    expect(Array.from(s.topValues)).toEqual([3, 2, 5, 0]);
    expect(Array.from(s.fires)).toEqual([3, 1]);
    expect(Array.from(s.maxAct)).toEqual([3, 5]);
    addToHistograms(s, f, 4);
    // latent 0: 1/3 → bin 1, 1 → bin 3, 2/3 → bin 2; latent 1: 1 → bin 3
    expect(Array.from(s.histograms)).toEqual([0, 1, 1, 1, 0, 0, 0, 1]);
    const mix = labelMix(
      s,
      Int32Array.from({ length: 14 }, (_, r) => (r === 12 ? 1 : 0)),
      2,
    );
    expect(mix.purity).toEqual([0.5, 1]);
  });

  it('finds nearest decoder rows by cosine, excluding the row itself', () => {
    const w = new Float32Array([1, 0, 0.9, 0.1, 0, 1]);
    const nb = decoderNeighbours(w, 3, 2, 1);
    expect(Array.from(nb.index)).toEqual([1, 0, 1]);
    expect(nb.cosine[0]).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 6);
  });
});
