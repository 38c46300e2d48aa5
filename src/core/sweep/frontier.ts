// The sparsity–fidelity frontier of a sweep: the members no other member beats on both held-out L0 and FVU.

export interface FrontierPoint {
  id: number;
  l0: number;
  fvu: number;
}

/**
 * Ids of the Pareto-optimal points (lower L0 and lower FVU are better), ordered by L0: a point is on the frontier
 * unless another has L0 ≤ and FVU ≤ with one of them strictly lower. Non-finite points are never on it.
 */
export function paretoFrontier(points: readonly FrontierPoint[]): number[] {
  const ok = points.filter((p) => Number.isFinite(p.l0) && Number.isFinite(p.fvu));
  const sorted = [...ok].sort((a, b) => a.l0 - b.l0 || a.fvu - b.fvu);
  const out: number[] = [];
  let best = Infinity;
  for (const p of sorted) {
    if (p.fvu < best) {
      out.push(p.id);
      best = p.fvu;
    }
  }
  return out;
}

/** A member as the frontier CSV lists it (the CLI's sweep.json members, a kept sweep's members). */
export interface FrontierRow {
  id: number;
  label: string;
  test: { l0: number | null; fvu: number | null } | null;
  deadFraction: number | null;
  onFrontier: boolean;
}

/** Every trained member, by held-out L0: the frontier's members marked, so a plot of the CSV draws it. */
export function frontierCsv(members: readonly FrontierRow[]): string {
  const rows = members
    .filter((m) => m.test)
    .sort((a, b) => (a.test!.l0 ?? Infinity) - (b.test!.l0 ?? Infinity))
    .map((m) =>
      [m.id, JSON.stringify(m.label), m.test!.l0, m.test!.fvu, m.deadFraction, m.onFrontier ? 1 : 0].join(','),
    );
  return `id,label,test_l0,test_fvu,dead_fraction,on_frontier\n${rows.join('\n')}\n`;
}
