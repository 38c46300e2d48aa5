// Two SAEs side by side on the same held-out activations: FVU, L0 and dead fraction of each, and how their
// dictionaries match by decoder cosine (for each latent of one, its best-matching latent in the other), so a
// cluster run can be checked against the small run it was scaled out from.
import { finalizeSums, type MetricSums, type ReconstructionMetrics } from './metrics';
import { mmcs } from './mmcs';

/** Cosines at which a latent counts as recovered: 0.7 (a loose match), 0.9 (the same direction). */
export const MATCH_THRESHOLDS = [0.7, 0.9] as const;

export interface SaeSideStats {
  name: string;
  dSae: number;
  rows: number;
  fvu: number | null;
  mse: number | null;
  l0: number | null;
  /** Latents that fired on none of the rows, over d_sae. */
  deadFraction: number;
}

export interface DecoderMatch {
  /** For each latent of `from`, the best signed cosine with any decoder row of `to`, and that row. */
  best: Float64Array;
  bestIndex: Int32Array;
  /** Mean of best over the latents of `from`. */
  mmcs: number;
  /** Latents of `from` whose best cosine is ≥ each of MATCH_THRESHOLDS. */
  recovered: { threshold: number; count: number; fraction: number }[];
}

export interface SaeComparison {
  rows: number;
  a: SaeSideStats;
  b: SaeSideStats;
  /** A's latents found in B, and B's in A. */
  aInB: DecoderMatch;
  bInA: DecoderMatch;
  /** 'a' or 'b': the SAE with fewer latents (A on a tie), whose latents the other should recover. */
  smaller: 'a' | 'b';
}

/** One SAE's side from its metric sums over the rows (fires: rows each latent fired on). */
export function sideStats(name: string, sums: MetricSums): SaeSideStats {
  return sideFromMetrics(name, finalizeSums(sums), sums.fires);
}

/** One SAE's side from finished metrics and per-latent fire counts on the same rows (the page's results). */
export function sideFromMetrics(name: string, m: ReconstructionMetrics, fires: ArrayLike<number>): SaeSideStats {
  let dead = 0;
  for (let i = 0; i < fires.length; i++) if (fires[i] === 0) dead++;
  return {
    name,
    dSae: fires.length,
    rows: m.rows,
    fvu: m.fvu,
    mse: m.mse,
    l0: m.l0,
    deadFraction: fires.length ? dead / fires.length : 0,
  };
}

/** Best decoder cosine of each row of `from` [mFrom, d] among the rows of `to` [mTo, d] (f64, signed). */
export function decoderMatch(
  from: ArrayLike<number>,
  mFrom: number,
  to: ArrayLike<number>,
  mTo: number,
  d: number,
): DecoderMatch {
  const r = mmcs(from, mFrom, to, mTo, d);
  const recovered = MATCH_THRESHOLDS.map((threshold) => {
    let count = 0;
    for (let i = 0; i < mFrom; i++) if (r.best[i] >= threshold) count++;
    return { threshold, count, fraction: mFrom ? count / mFrom : 0 };
  });
  return { best: r.best, bestIndex: r.bestIndex, mmcs: r.mmcs, recovered };
}

export interface CompareInput {
  stats: SaeSideStats;
  wDec: ArrayLike<number>;
}

/** The comparison of A and B from their metrics on the same rows and their decoders (both [m, d]). */
export function compareSaes(a: CompareInput, b: CompareInput, d: number): SaeComparison {
  if (a.stats.rows !== b.stats.rows)
    throw new Error(`the two SAEs were evaluated on different rows (${a.stats.rows} and ${b.stats.rows})`);
  const mA = a.stats.dSae;
  const mB = b.stats.dSae;
  if (a.wDec.length !== mA * d || b.wDec.length !== mB * d)
    throw new Error(`decoder shapes do not match d_in = ${d} (A: ${a.wDec.length / d} rows, B: ${b.wDec.length / d})`);
  return {
    rows: a.stats.rows,
    a: a.stats,
    b: b.stats,
    aInB: decoderMatch(a.wDec, mA, b.wDec, mB, d),
    bInA: decoderMatch(b.wDec, mB, a.wDec, mA, d),
    smaller: mB < mA ? 'b' : 'a',
  };
}

/** The comparison as plain JSON (per-latent arrays as lists), for `probelab compare --json`. */
export function comparisonToPlain(c: SaeComparison): Record<string, unknown> {
  const match = (m: DecoderMatch) => ({
    mmcs: m.mmcs,
    recovered: m.recovered,
    best: Array.from(m.best),
    bestIndex: Array.from(m.bestIndex),
  });
  return { rows: c.rows, smaller: c.smaller, a: c.a, b: c.b, aInB: match(c.aInB), bInA: match(c.bInA) };
}
