// The run-length rules of the SAE config: the dead-latent window in tokens and BatchTopK's θ warm-up.
import { describe, expect, it } from 'vitest';
import {
  DEAD_WINDOW_CAP_TOKENS,
  DEFAULT_SAE_CONFIG,
  defaultDeadWindowTokens,
  resolvedDeadWindowTokens,
  resolvedThresholdStart,
  validateSaeConfig,
} from '../../../src/core/sae/config';

describe('dead-latent window', () => {
  const c = DEFAULT_SAE_CONFIG; // 2,000 steps × 256 rows = 512,000 tokens
  const runTokens = c.steps * c.batchSize;

  it('can be reached by the default run on any set from 10k to 100M rows', () => {
    for (const rows of [10_000, 100_000, 570_000, 1_000_000, 10_000_000, 100_000_000]) {
      const w = defaultDeadWindowTokens(c, rows);
      // Reached within the run (so AuxK can engage), and a whole number of batches' worth at least.
      expect(w, `${rows} rows`).toBeLessThanOrEqual(runTokens / 8);
      expect(w).toBeGreaterThanOrEqual(c.batchSize);
    }
    // The old default (one pass over the training rows) was never reached above ~512k rows.
    expect(defaultDeadWindowTokens(c, 9_000)).toBe(9_000);
    expect(defaultDeadWindowTokens(c, 100_000_000)).toBe(64_000);
  });

  it("is sparsify's and dictionary_learning's 10M tokens on a long run over a large set", () => {
    const long = { ...c, steps: 20_000, batchSize: 4096 };
    expect(defaultDeadWindowTokens(long, 100_000_000)).toBe(DEAD_WINDOW_CAP_TOKENS);
    expect(defaultDeadWindowTokens(long, 1_000_000)).toBe(1_000_000);
  });

  it('a window set in the config is taken as given, and must be ≥ 1', () => {
    expect(resolvedDeadWindowTokens({ ...c, deadWindowTokens: 123 }, 10)).toBe(123);
    expect(() => validateSaeConfig({ ...c, deadWindowTokens: 0 }, 4)).toThrow(/deadWindowTokens/);
  });
});

describe("BatchTopK's θ warm-up", () => {
  it("is dictionary_learning's 1000 steps, or half of a shorter run", () => {
    expect(resolvedThresholdStart({ ...DEFAULT_SAE_CONFIG, steps: 20_000 })).toBe(1000);
    expect(resolvedThresholdStart({ ...DEFAULT_SAE_CONFIG, steps: 300 })).toBe(150);
    expect(resolvedThresholdStart({ ...DEFAULT_SAE_CONFIG, steps: 1 })).toBe(0);
  });
});
