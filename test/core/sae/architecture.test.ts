// Each architecture's selection rules and BatchTopK's threshold estimate, on hand-made inputs with closed forms.
import { describe, expect, it } from 'vitest';
import {
  ARCHITECTURE_RULES,
  inferenceSelection,
  nextBatchThreshold,
  selectionGate,
  SAE_ARCHITECTURES,
} from '../../../src/core/sae/architecture';

// Two rows of four pre-activations.
const pre = [3, -1, 2, 2, 0.5, 4, -2, 1];

describe('selection rules', () => {
  it('ReLU keeps every positive pre-activation', () => {
    expect(Array.from(selectionGate('relu', pre, 2, 4, 0))).toEqual([1, 0, 1, 1, 1, 1, 0, 1]);
  });

  it('TopK keeps the k largest per row, ties to the lower index, and never a non-positive one', () => {
    expect(Array.from(selectionGate('row-topk', pre, 2, 4, 2))).toEqual([1, 0, 1, 0, 0, 1, 0, 1]);
    // k = 4 reaches the negative entries, which ReLU still drops.
    expect(Array.from(selectionGate('row-topk', pre, 2, 4, 4))).toEqual([1, 0, 1, 1, 1, 1, 0, 1]);
  });

  it('BatchTopK keeps the k·B largest of the whole batch, so one row may take more than k', () => {
    // k·B = 4 of [3, −1, 2, 2, 0.5, 4, −2, 1]: 4, 3, 2, 2 — three from row 0, one from row 1.
    expect(Array.from(selectionGate('batch-topk', pre, 2, 4, 2))).toEqual([1, 0, 1, 1, 0, 1, 0, 0]);
  });

  it('a threshold is strict (pre > θ_i) and a negative θ still keeps only positive codes', () => {
    // Row 0's 3 equals its θ (dropped); −1 is above θ = −5 but not positive (dropped).
    const theta = [3, -5, 1.999, 0.5];
    expect(Array.from(selectionGate('threshold', pre, 2, 4, 0, theta))).toEqual([0, 0, 1, 1, 0, 1, 0, 1]);
    expect(() => selectionGate('threshold', pre, 2, 4, 0, [1])).toThrow(/threshold/);
  });

  it('BatchTopK trains batch-wide and infers by threshold (its export is JumpReLU), per row until θ exists', () => {
    expect(ARCHITECTURE_RULES.batchtopk.training).toBe('batch-topk');
    expect(inferenceSelection('batchtopk', true)).toBe('threshold');
    expect(inferenceSelection('batchtopk', false)).toBe('row-topk');
    for (const a of SAE_ARCHITECTURES)
      if (a !== 'batchtopk') expect(inferenceSelection(a, false)).toBe(ARCHITECTURE_RULES[a].inference);
    expect(SAE_ARCHITECTURES.filter((a) => ARCHITECTURE_RULES[a].unitDecoder)).toEqual(['topk', 'batchtopk']);
    expect(SAE_ARCHITECTURES.filter((a) => ARCHITECTURE_RULES[a].auxK)).toEqual(['topk', 'batchtopk']);
  });
});

describe("BatchTopK's threshold estimate (dictionary_learning's rule)", () => {
  it('ignores the warm-up, starts at the first cut after it, then follows θ ← β·θ + (1 − β)·cut', () => {
    const rule = { startStep: 2, beta: 0.9 };
    const cuts = [5, 4, 1, 2, 3];
    let theta: number | null = null;
    const seen: Array<number | null> = [];
    cuts.forEach((c, i) => {
      theta = nextBatchThreshold(theta, c, i + 1, rule);
      seen.push(theta);
    });
    expect(seen.slice(0, 2)).toEqual([null, null]);
    expect(seen[2]).toBe(1);
    expect(seen[3]).toBeCloseTo(0.9 * 1 + 0.1 * 2, 15);
    expect(seen[4]).toBeCloseTo(0.9 * (0.9 + 0.2) + 0.1 * 3, 15);
  });

  it('a batch that kept nothing leaves θ as it was', () => {
    expect(nextBatchThreshold(2, null, 10, { startStep: 0, beta: 0.5 })).toBe(2);
    expect(nextBatchThreshold(null, null, 10, { startStep: 0, beta: 0.5 })).toBeNull();
  });
});
