// `probelab compare SAE_A SAE_B ACTS`: two SAEs (any format the app imports, e.g. the small Probelab run and the
// cluster run it was scaled out to) on the same held-out activations: FVU, L0, dead fraction, decoder matching.
import { comparisonToPlain, type SaeComparison } from '../core/sae/compare';
import { DatasetStore } from '../jobs/dataset-store';
import { runSaeCompareJob } from '../jobs/sae-compare-job';
import { stringFlag, type CliArgs } from './args';
import { loadSae } from './encode-command';
import { budgetsFrom, openInto, pickKey, startEngine } from './inputs';

export async function compare(args: CliArgs): Promise<Record<string, unknown>> {
  const [pathA, pathB, actsPath] = args.positional;
  if (!pathA || !pathB || !actsPath) throw new Error('compare needs SAE_A SAE_B ACTS (see --help)');
  const a = await loadSae(pathA);
  const b = await loadSae(pathB);
  const store = new DatasetStore(budgetsFrom(args));
  const acts = await openInto(store, 'acts', actsPath);
  const activations = { fileId: acts.fileId, key: pickKey(acts, stringFlag(args, 'key'), 2) };
  const { engine } = await startEngine(args);
  const c: SaeComparison = await runSaeCompareJob(
    engine,
    store,
    activations,
    { name: pathA, weights: a.weights },
    { name: pathB, weights: b.weights },
  );
  return { engine: engine.info, activations: acts.name, ...comparisonToPlain(c) };
}

export function compareTable(r: Record<string, unknown>): string {
  type Side = { name: string; dSae: number; fvu: number | null; l0: number | null; deadFraction: number };
  type Match = { mmcs: number; recovered: { threshold: number; count: number }[] };
  const f = (v: number | null, digits = 4) => (v === null ? '—' : v.toFixed(digits));
  const side = (s: Side) =>
    `  ${s.name}: d_sae ${s.dSae}, FVU ${f(s.fvu)}, L0 ${f(s.l0, 1)}, dead ${(100 * s.deadFraction).toFixed(1)}%`;
  const match = (label: string, m: Match, of: number) =>
    `  ${label}: MMCS ${m.mmcs.toFixed(3)}, ${m.recovered.map((x) => `${x.count}/${of} at cos ≥ ${x.threshold}`).join(', ')}`;
  const a = r.a as Side;
  const b = r.b as Side;
  return [
    `two SAEs on ${r.rows} rows of ${r.activations}`,
    side(a),
    side(b),
    match(`A's latents found in B`, r.aInB as Match, a.dSae),
    match(`B's latents found in A`, r.bInA as Match, b.dSae),
  ].join('\n');
}
