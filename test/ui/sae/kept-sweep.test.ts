// What a kept SAE sweep redraws from: each member's point from its final metrics, the frontier and its CSV.
import { expect, test } from 'vitest';
import { DEFAULT_SAE_CONFIG } from '../../../src/core/sae/config';
import {
  keptFrontier,
  keptFrontierCsv,
  keptPoints,
  lowestFvuMember,
  type KeptSaeSweep,
} from '../../../src/ui/sae/kept-sweep';

const metrics = (fvu: number | null, l0: number | null) => ({
  rows: 10,
  mse: null,
  fvu,
  explainedVariance: null,
  l0,
  l1: null,
  cosine: null,
  relativeBias: null,
});

function member(id: number, label: string, fvu: number | null, l0: number | null, steps: number | null) {
  return {
    member: { id, point: {}, label, slug: label, config: { ...DEFAULT_SAE_CONFIG, steps: 12 }, addedLive: false },
    stop: steps === null ? { reason: 'stopped' as const, step: 5 } : { reason: 'done' as const },
    metrics:
      steps === null
        ? null
        : {
            architecture: 'topk' as const,
            dIn: 4,
            dSae: 8,
            k: 2,
            steps,
            trainRows: 90,
            testRows: 10,
            scale: 1,
            train: metrics(fvu, l0),
            test: metrics(fvu, l0),
            deadFraction: 0.25,
            deadWindowRows: 100,
            liveLatents: 6,
            frequentLatents: 2,
          },
  };
}

const kept: KeptSaeSweep = {
  implementation: 'x',
  elapsedMs: 1,
  batches: 12,
  grid: ['k=2,4'],
  members: [
    member(0, 'k=2', 0.4, 2, 12),
    member(1, 'k=4', 0.2, 4, 12),
    member(2, 'k=3', 0.5, 3, 12),
    member(3, 'k=6', null, null, null),
  ],
  weightsKept: false,
};

test('points come from the final metrics; a stopped member keeps its step and has no point on the chart', () => {
  expect(keptPoints(kept)).toEqual([
    { id: 0, step: 11, l0: 2, fvu: 0.4, dead: 0.25 },
    { id: 1, step: 11, l0: 4, fvu: 0.2, dead: 0.25 },
    { id: 2, step: 11, l0: 3, fvu: 0.5, dead: 0.25 },
    { id: 3, step: 4, l0: null, fvu: null, dead: null },
  ]);
  // (3, 0.5) is beaten by (2, 0.4): off the frontier.
  expect(keptFrontier(kept)).toEqual([0, 1]);
  expect(lowestFvuMember(kept)!.member.id).toBe(1);
  expect(lowestFvuMember({ ...kept, members: [kept.members[3]] })).toBeNull();
});

test('the frontier CSV lists finished members by held-out L0 and marks the frontier', () => {
  expect(keptFrontierCsv(kept)).toBe(
    'id,label,test_l0,test_fvu,dead_fraction,on_frontier\n0,"k=2",2,0.4,0.25,1\n2,"k=3",3,0.5,0.25,0\n1,"k=4",4,0.2,0.25,1\n',
  );
});
