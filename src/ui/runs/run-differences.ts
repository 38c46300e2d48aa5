// What tells runs of the same name apart: the setup values in which each differs from the others of its name
// ("config.maxIter 40", "data.classNames acts_classes.json"), shown under the name in the run list.
import type { RunRecord } from './run-record';

/** Every leaf of a plain value as path → JSON text ("config.C" → "0.01"). */
function leaves(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else out.set(path, value === undefined ? 'none' : JSON.stringify(value));
  return out;
}

const shown = (v: string) => (v.startsWith('"') ? v.slice(1, -1) : v);

/** For each run that shares its name with another, the setup values it alone has among them (id → text). */
export function runDifferences(runs: readonly RunRecord[]): Map<string, string> {
  const out = new Map<string, string>();
  const byName = new Map<string, RunRecord[]>();
  for (const r of runs) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  for (const group of byName.values()) {
    if (group.length < 2) continue;
    const all = group.map((r) => leaves(r.setup));
    const paths = [...new Set(all.flatMap((l) => [...l.keys()]))].filter((p) => {
      const values = new Set(all.map((l) => l.get(p) ?? 'none'));
      return values.size > 1;
    });
    group.forEach((r, i) => {
      const own = paths.map((p) => `${p} ${shown(all[i].get(p) ?? 'none')}`);
      if (own.length) out.set(r.id, own.join(', '));
    });
  }
  return out;
}
