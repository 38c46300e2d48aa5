// SAE sweep grids: axes set config fields, bad axes are named, member memory by hand, the largest fitting grid.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SAE_CONFIG } from '../../../src/core/sae/config';
import { parseSweepAxes } from '../../../src/core/sweep/grid';
import { checkSweepMemory, saeGridMembers, saeMemberBytes } from '../../../src/core/sweep/sae-grid';

const base = { ...DEFAULT_SAE_CONFIG, batchSize: 4096 };

describe('SAE sweep grid', () => {
  it('sets each axis on its config field, other fields from the base', () => {
    const axes = parseSweepAxes(['arch=topk,relu', 'k=16', 'sparsity=0.5', 'd-sae=1024', 'lr=1e-3', 'seed=7']);
    const [a, b] = saeGridMembers(base, axes);
    expect(a.config).toEqual({
      ...base,
      architecture: 'topk',
      k: 16,
      sparsityCoefficient: 0.5,
      dSae: 1024,
      lr: 0.001,
      seed: 7,
    });
    expect(b.config.architecture).toBe('relu');
    expect(a.label).toBe('arch=topk k=16 sparsity=0.5 d-sae=1024 lr=0.001 seed=7');
    expect(b.slug).toBe('arch-relu_k-16_sparsity-0.5_d-sae-1024_lr-0.001_seed-7');
  });

  it('names a bad axis or value', () => {
    expect(() => saeGridMembers(base, parseSweepAxes(['width=1']))).toThrow(/--sweep width: not a sweepable setting/);
    expect(() => saeGridMembers(base, parseSweepAxes(['arch=topk,gated']))).toThrow(/"gated" is not one of/);
    expect(() => saeGridMembers(base, parseSweepAxes(['k=0']))).toThrow(/"0" is not an integer ≥ 1/);
    expect(() => saeGridMembers(base, parseSweepAxes(['lr=-1']))).toThrow(/"-1" is not a number ≥ 0/);
  });

  it("counts a member's bytes: params, grads and Adam's moments, plus a batch of codes and their gradient", () => {
    // d = 768, m = 4096: 2·768·4096 + 4096 + 768 = 6,296,320 parameters.
    const c = { ...base, dSae: 4096 };
    expect(saeMemberBytes(c, 768)).toEqual({
      largestBuffer: 4 * 6_296_320,
      total: 16 * 6_296_320 + 8 * 4096 * 4096,
    });
    expect(saeMemberBytes({ ...c, architecture: 'jumprelu' }, 768).largestBuffer).toBe(4 * (6_296_320 + 4096));
  });

  it('names the largest grid that fits the budget, or the member over a buffer limit', () => {
    const axes = parseSweepAxes(['k=16,32,64', 'd-sae=1024,4096,16384']);
    const bytes = (m: number) => saeMemberBytes({ ...base, dSae: m }, 768).total;
    const roomy = checkSweepMemory(base, axes, 768, { maxBufferBytes: 2 ** 31, budgetBytes: 2 ** 40 });
    expect(roomy).toEqual({ fits: true, totalBytes: 3 * (bytes(1024) + bytes(4096) + bytes(16384)) });
    const tight = checkSweepMemory(base, axes, 768, {
      maxBufferBytes: 2 ** 31,
      budgetBytes: 3 * (bytes(1024) + bytes(4096)),
    });
    expect(tight.fits).toBe(false);
    if (tight.fits) return;
    expect(tight.largestFitting).toEqual(parseSweepAxes(['k=16,32,64', 'd-sae=1024,4096']));
    expect(tight.message).toMatch(/largest grid that fits is --sweep k=16,32,64 --sweep d-sae=1024,4096 \(6 members\)/);
    // A d_sae 16384 member's packed parameters (≈ 96 MiB) break a 64 MiB buffer limit whatever the budget.
    const limited = checkSweepMemory(base, axes, 768, { maxBufferBytes: 64 * 2 ** 20, budgetBytes: 2 ** 40 });
    expect(limited.fits).toBe(false);
    if (limited.fits) return;
    expect(limited.message).toMatch(
      /member k=16 d-sae=16384 needs a 0\.09 GiB buffer, over the device's 0\.06 GiB limit/,
    );
    expect(limited.largestFitting).toEqual(parseSweepAxes(['k=16,32,64', 'd-sae=1024,4096']));
  });
});
