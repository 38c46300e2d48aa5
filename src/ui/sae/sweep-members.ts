// A sweep's members as the frontier shows them: each member's latest held-out L0 and FVU, dead fraction and step,
// read from the job's progress columns (one row per member step), plus the Pareto frontier of those points.
import { paretoFrontier } from '../../core/sweep/frontier';
import type { ProgressColumns } from '../progress-columns';

export interface MemberPoint {
  id: number;
  step: number;
  /** Latest held-out values (null until the member's first evaluation). */
  l0: number | null;
  fvu: number | null;
  dead: number | null;
}

export function memberPoints(p: ProgressColumns): MemberPoint[] {
  const col = (f: string) => p.columns[p.fields.indexOf(f)] ?? [];
  const [member, step, l0, fvu, dead] = ['member', 'step', 'testL0', 'testFvu', 'deadFraction'].map(col);
  const out = new Map<number, MemberPoint>();
  for (let i = 0; i < member.length; i++) {
    const id = member[i];
    if (id === null) continue;
    const m = out.get(id) ?? { id, step: 0, l0: null, fvu: null, dead: null };
    m.step = step[i] ?? m.step;
    m.dead = dead[i] ?? m.dead;
    if (l0[i] !== null && fvu[i] !== null) {
      m.l0 = l0[i];
      m.fvu = fvu[i];
    }
    out.set(id, m);
  }
  return [...out.values()].sort((a, b) => a.id - b.id);
}

/** Ids on the Pareto frontier among members evaluated so far (log axes need L0 and FVU above 0). */
export function frontierIds(points: readonly MemberPoint[]): number[] {
  return paretoFrontier(
    points.filter((p) => p.l0 !== null && p.fvu !== null && p.l0 > 0 && p.fvu > 0) as {
      id: number;
      l0: number;
      fvu: number;
    }[],
  );
}

/** Dead fraction 0 → blue, 1 → red: a dictionary full of dead latents stands out on the frontier. */
export function deadColour(f: number | null): string {
  const t = Math.min(1, Math.max(0, f ?? 0));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(36, 201)}, ${mix(87, 42)}, ${mix(197, 42)})`;
}
