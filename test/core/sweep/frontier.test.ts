// The Pareto frontier of held-out L0 against FVU: dominated and non-finite points are off it.
import { describe, expect, it } from 'vitest';
import { paretoFrontier } from '../../../src/core/sweep/frontier';

describe('paretoFrontier', () => {
  it('keeps the points no other beats on both L0 and FVU, ordered by L0', () => {
    const pts = [
      { id: 0, l0: 32, fvu: 0.1 },
      { id: 1, l0: 8, fvu: 0.3 },
      { id: 2, l0: 16, fvu: 0.35 }, // dominated by 1
      { id: 3, l0: 64, fvu: 0.1 }, // same FVU as 0 at higher L0
      { id: 4, l0: 16, fvu: 0.2 },
      { id: 5, l0: NaN, fvu: 0 },
      { id: 6, l0: 128, fvu: 0.05 },
    ];
    expect(paretoFrontier(pts)).toEqual([1, 4, 0, 6]);
    expect(paretoFrontier([])).toEqual([]);
  });
});
