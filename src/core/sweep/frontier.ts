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
