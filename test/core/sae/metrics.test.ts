// Reconstruction metrics, histograms, dead-latent tracking and MMCS against closed-form values on hand-made inputs.
import { describe, expect, it } from 'vitest';
import { addSums, batchSums, finalizeSums } from '../../../src/core/sae/metrics';
import { DeadLatentTracker } from '../../../src/core/sae/dead-latents';
import { densityHistogram } from '../../../src/core/sae/histograms';
import { histogram } from '../../../src/core/stats/histogram';
import { mmcs } from '../../../src/core/sae/mmcs';

describe('reconstruction metrics', () => {
  // x = [[1,0],[3,0]], x̂ = [[1,0],[1,0]]: errors 0 and 4; x̄ = [2,0] so Σ‖x − x̄‖² = 2.
  const x = [1, 0, 3, 0],
    xHat = [1, 0, 1, 0],
    f = [0.5, 0, 2, 0, 0, 0];

  it('MSE sums over d and averages over rows; FVU is about the mean, not about zero', () => {
    const m = finalizeSums(batchSums(x, xHat, f, 2, 2, 3));
    expect(m.mse).toBe(2);
    expect(m.fvu).toBe(2); // about zero it would be 4 / 10 = 0.4
    expect(m.explainedVariance).toBe(-1);
  });

  it('L0, L1, cosine and relative reconstruction bias have their closed forms', () => {
    const m = finalizeSums(batchSums(x, xHat, f, 2, 2, 3));
    expect(m.l0).toBe(1); // 2 active entries over 2 rows
    expect(m.l1).toBe(1.25);
    expect(m.cosine).toBe(1);
    expect(m.relativeBias).toBe(0.5); // Σ‖x̂‖² / Σ x̂·x = 2 / 4: outputs shrunk by half
  });

  it('sums over two batches equal the sums over their union', () => {
    const a = batchSums(x.slice(0, 2), xHat.slice(0, 2), f.slice(0, 3), 1, 2, 3);
    const b = batchSums(x.slice(2), xHat.slice(2), f.slice(3), 1, 2, 3);
    expect(finalizeSums(addSums(a, b))).toEqual(finalizeSums(batchSums(x, xHat, f, 2, 2, 3)));
    expect(a.fires).toEqual(new Float64Array([1, 0, 1]));
  });

  it('FVU is undefined (null) when every row is the same, and nothing is defined on zero rows', () => {
    const m = finalizeSums(batchSums([1, 2, 1, 2], [0, 0, 0, 0], [0, 0], 2, 2, 1));
    expect(m.fvu).toBeNull();
    expect(m.mse).toBe(5);
    expect(m.cosine).toBeNull(); // x̂ = 0 has no direction
    expect(m.relativeBias).toBeNull();
    expect(finalizeSums(batchSums([], [], [], 0, 2, 1)).mse).toBeNull();
  });
});

describe('dead latents', () => {
  it('a latent is dead once it has not fired for the whole window', () => {
    const t = new DeadLatentTracker(3, 100);
    t.update([1, 0, 0], 60);
    t.update([0, 2, 0], 60);
    // latent 0: 60 rows since firing; latent 1: 0; latent 2: 120 ≥ 100
    expect(Array.from(t.deadMask())).toEqual([0, 0, 1]);
    expect(t.deadFraction()).toBeCloseTo(1 / 3, 15);
    t.update([0, 0, 0], 40);
    expect(Array.from(t.deadMask())).toEqual([1, 0, 1]);
  });
});

describe('histograms', () => {
  it('bins values with both edges inclusive and counts out-of-range values apart', () => {
    const h = histogram([0, 0.25, 0.5, 1, 2, -1, NaN], 2, 0, 1);
    expect(Array.from(h.counts)).toEqual([2, 2]);
    expect(h.under).toBe(2);
    expect(h.over).toBe(1);
  });

  it('log10 density counts never-firing latents apart instead of at −∞', () => {
    const h = densityHistogram([0, 1, 10, 100, 0], 100, 2);
    expect(h.neverFired).toBe(2);
    expect(h.edges[0]).toBe(-2);
    expect(Array.from(h.counts)).toEqual([1, 2]); // log10 densities −2, −1, 0
  });
});

describe('MMCS', () => {
  it('is the mean over true features of the best signed cosine with any learned row', () => {
    const truth = [1, 0, 0, 1];
    // rows: e1 scaled (cos 1 with truth 0), (1,1)/√2 (cos 1/√2 with both), −e2 (cos −1 with truth 1)
    const learned = [2, 0, 1, 1, 0, -1];
    const r = mmcs(truth, 2, learned, 3, 2);
    expect(r.best[0]).toBeCloseTo(1, 15);
    expect(r.best[1]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(r.mmcs).toBeCloseTo((1 + Math.SQRT1_2) / 2, 15);
    expect(r.found).toBe(1);
    expect(Array.from(r.bestIndex)).toEqual([0, 1]);
  });
});
