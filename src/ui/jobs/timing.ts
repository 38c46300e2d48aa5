// How long a job has run and how long it has left, as the status lines show them. Pure, so it is tested in Node.

/** "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/**
 * Time left for a run of `total` steps, from the pace since this job's first reported step: null until two steps
 * have been seen (no pace yet) or when the run is done.
 */
export function etaMs(
  first: { step: number; at: number } | null,
  last: { step: number; at: number } | null,
  total: number,
): number | null {
  if (!first || !last || last.step <= first.step || last.at <= first.at) return null;
  const left = total - 1 - last.step;
  if (left <= 0) return null;
  return ((last.at - first.at) / (last.step - first.step)) * left;
}
