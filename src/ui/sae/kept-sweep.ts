// What the Runs list keeps of a finished SAE sweep: the grid, each member's settings, stop and final train and
// held-out metrics, but not its weights (a sweep of a few real-sized dictionaries would fill the browser's
// storage), so a re-opened sweep redraws its frontier and lists its members, and can export its frontier as CSV,
// but cannot open, compare or export a member's dictionary. Pure, so the run list and the sweep view read the same.
import { frontierCsv, paretoFrontier } from '../../core/sweep/frontier';
import type { SweepStop } from '../../core/sae/sweep-loop';
import type { SaeResultSummary, SaeSweepMember, SaeSweepResult } from '../../protocol';
import type { MemberPoint } from './sweep-members';

/** A member's final numbers: its summary without weights, SAELens bytes, feature browser or per-latent arrays. */
export type KeptMemberMetrics = Pick<
  SaeResultSummary,
  | 'architecture'
  | 'dIn'
  | 'dSae'
  | 'k'
  | 'steps'
  | 'trainRows'
  | 'testRows'
  | 'scale'
  | 'train'
  | 'test'
  | 'deadFraction'
  | 'deadWindowRows'
  | 'liveLatents'
  | 'frequentLatents'
  | 'mmcs'
>;

export interface KeptSweepMember {
  member: SaeSweepMember;
  stop: SweepStop;
  /** Null when the sweep was stopped before this member ended. */
  metrics: KeptMemberMetrics | null;
}

export interface KeptSaeSweep {
  implementation: string;
  elapsedMs: number;
  batches: number;
  /** The grid, one `name=v1,v2` axis per line. */
  grid: string[];
  members: KeptSweepMember[];
  /** Always false: members' weights are not kept (see above); said in the run list and the re-opened view. */
  weightsKept: false;
}

export function keepSweep(result: SaeSweepResult, grid: string[]): KeptSaeSweep {
  return {
    implementation: result.implementation,
    elapsedMs: result.elapsedMs,
    batches: result.batches,
    grid: [...grid],
    members: result.members.map(({ member, stop, summary: s }) => ({
      member,
      stop,
      metrics: s
        ? {
            architecture: s.architecture,
            dIn: s.dIn,
            dSae: s.dSae,
            k: s.k,
            steps: s.steps,
            trainRows: s.trainRows,
            testRows: s.testRows,
            scale: s.scale,
            train: s.train,
            test: s.test,
            deadFraction: s.deadFraction,
            deadWindowRows: s.deadWindowRows,
            liveLatents: s.liveLatents,
            frequentLatents: s.frequentLatents,
            ...(s.mmcs ? { mmcs: s.mmcs } : {}),
          }
        : null,
    })),
    weightsKept: false,
  };
}

/** The frontier's points from the kept final metrics (the live view reads the same from progress columns). */
export function keptPoints(kept: KeptSaeSweep): MemberPoint[] {
  return kept.members.map(({ member, stop, metrics: m }) => ({
    id: member.id,
    step: Math.max(0, (m?.steps ?? ('step' in stop ? stop.step : 0)) - 1),
    l0: m?.test.l0 ?? null,
    fvu: m?.test.fvu ?? null,
    dead: m?.deadFraction ?? null,
  }));
}

/** Members on the Pareto frontier of held-out L0 and FVU. */
export function keptFrontier(kept: KeptSaeSweep): number[] {
  return paretoFrontier(
    kept.members.flatMap(({ member, metrics: m }) =>
      m && m.test.l0 !== null && m.test.fvu !== null ? [{ id: member.id, l0: m.test.l0, fvu: m.test.fvu }] : [],
    ),
  );
}

/**
 * The member the run list names: the lowest held-out FVU among the finished ones (an SAE sweep has no single best;
 * the frontier is the answer, this is its most faithful end). Null when none finished.
 */
export function lowestFvuMember(kept: KeptSaeSweep): KeptSweepMember | null {
  let best: KeptSweepMember | null = null;
  for (const m of kept.members) {
    const fvu = m.metrics?.test.fvu;
    if (fvu === null || fvu === undefined || !Number.isFinite(fvu)) continue;
    if (!best || fvu < best.metrics!.test.fvu!) best = m;
  }
  return best;
}

/** The frontier CSV (as the CLI writes it) from the kept metrics. */
export function keptFrontierCsv(kept: KeptSaeSweep): string {
  const front = new Set(keptFrontier(kept));
  return frontierCsv(
    kept.members.map(({ member, metrics: m }) => ({
      id: member.id,
      label: member.label,
      test: m ? { l0: m.test.l0, fvu: m.test.fvu } : null,
      deadFraction: m?.deadFraction ?? null,
      onFrontier: front.has(member.id),
    })),
  );
}
