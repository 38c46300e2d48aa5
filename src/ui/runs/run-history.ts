// The automatic run history as a pure function: one entry per distinct setup (the same data and the same settings
// are the same run, so a rerun replaces its entry instead of adding one), pinned runs untouched, and a cap on the
// unpinned ones.
import type { RunRecord } from './run-record';
import type { RunSetup } from './run-setup';
import { stableKey } from './run-key';

/** Unpinned runs kept in the history; older ones are dropped as new ones arrive. */
export const HISTORY_CAP = 20;

/** What makes two runs the same run: the method, its settings, the split and the data, never the name or time. */
export function runIdentity(setup: RunSetup): string {
  return stableKey(setup);
}

/**
 * The history after a run finishes: a run with the same identity is replaced in place of a new entry (a pinned
 * one is the same run already kept, so nothing is added), and unpinned runs beyond the cap are dropped, oldest
 * first. Returns the new list (newest first), the record written (null: none) and the ids dropped.
 */
export function addToHistory(
  list: readonly RunRecord[],
  record: RunRecord,
  cap = HISTORY_CAP,
): { list: RunRecord[]; written: RunRecord | null; dropped: string[] } {
  const key = runIdentity(record.setup);
  const same = list.find((r) => runIdentity(r.setup) === key);
  if (same?.pinned) return { list: [...list], written: null, dropped: [] };
  const written = same ? { ...record, id: same.id, name: same.name } : record;
  const rest = list.filter((r) => r.id !== same?.id);
  const next = [written, ...rest].sort((a, b) => b.createdAt - a.createdAt);
  const unpinned = next.filter((r) => !r.pinned);
  const dropped = unpinned.slice(cap).map((r) => r.id);
  return { list: next.filter((r) => !dropped.includes(r.id)), written, dropped };
}
