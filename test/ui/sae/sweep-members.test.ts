// A sweep's progress columns read back per member: the latest held-out point, dead fraction and step each.
import { describe, expect, it } from 'vitest';
import { appendProgress, emptyProgress } from '../../../src/ui/progress-columns';
import { frontierIds, memberPoints } from '../../../src/ui/sae/sweep-members';

describe('memberPoints', () => {
  it('keeps each member’s latest evaluated point, through interleaved steps', () => {
    const p = emptyProgress(['point', 'member', 'step', 'testL0', 'testFvu', 'deadFraction']);
    const rows = [
      [0, 0, 0, NaN, NaN, 0],
      [1, 1, 0, NaN, NaN, 0],
      [2, 0, 1, 8, 0.5, 0.1],
      [3, 1, 1, 16, 0.3, 0.2],
      [4, 0, 2, NaN, NaN, 0.25],
      [5, 2, 0, 4, 0.6, 0],
    ];
    for (const r of rows) appendProgress(p, Float64Array.from(r));
    const pts = memberPoints(p);
    expect(pts).toEqual([
      { id: 0, step: 2, l0: 8, fvu: 0.5, dead: 0.25 },
      { id: 1, step: 1, l0: 16, fvu: 0.3, dead: 0.2 },
      { id: 2, step: 0, l0: 4, fvu: 0.6, dead: 0 },
    ]);
    expect(frontierIds(pts)).toEqual([2, 0, 1]);
    expect(frontierIds([...pts, { id: 3, step: 0, l0: 10, fvu: 0.55, dead: 0 }])).toEqual([2, 0, 1]);
  });
});
