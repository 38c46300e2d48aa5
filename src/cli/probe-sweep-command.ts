// `probelab probe ACTS… --sweep layer=all --sweep C=0.01,0.1,1,10`: the worker's probe-sweep job over every
// layer the inputs provide × every setting, on one set of stratified CV folds, written as a JSON/CSV table.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProbeSuiteJob } from '../jobs/probe-suite-job';
import { probeToPlain } from '../core/probes/probe-export';
import { settingLabel, type ProbeSweepConfig, type SweepSetting } from '../core/probes/probe-sweep';
import { sweepCsv, sweepTable } from '../core/probes/probe-sweep-table';
import { numericValues, parseSweepAxes, pointLabel, type SweepAxis } from '../core/sweep/grid';
import { DEFAULT_SUITE_EVAL, type LayersDataRefs } from '../protocol';
import { listFlag, numberFlag, stringFlag, type CliArgs } from './args';
import { startEngine } from './inputs';
import { logisticFlags, openProbeInputs, parseShrinkage } from './probe-command';

const AXES = ['layer', 'C', 'method', 'shrinkage'];
const SELECT_BY = ['accuracy', 'auroc', 'logLoss'] as const;

export async function probeSweep(args: CliArgs): Promise<Record<string, unknown>> {
  const axes = parseSweepAxes(listFlag(args, 'sweep'));
  const unknown = axes.find((a) => !AXES.includes(a.name));
  if (unknown) throw new Error(`--sweep ${unknown.name}: a probe sweep grids ${AXES.join(', ')}`);
  const axis = (name: string) => axes.find((a) => a.name === name);
  const selectBy = (stringFlag(args, 'select-by') ?? 'accuracy') as ProbeSweepConfig['selectBy'];
  if (!SELECT_BY.includes(selectBy)) throw new Error(`--select-by must be ${SELECT_BY.join(', ')}, got ${selectBy}`);
  const { store, files, labels, labelRef, split, activations } = await openProbeInputs(args);

  // Every layer the inputs provide: each [L, N, D] tensor's L slices, else each file's [N, D] tensors.
  const available: LayersDataRefs['layers'] = [];
  for (const f of files) {
    const prefix = files.length > 1 ? `${f.name}:` : '';
    const wanted = stringFlag(args, 'key');
    // The labels are never a layer, even when they sit in an activations file as an [N, K] array.
    const isLabels = (key: string) => f.fileId === labelRef.fileId && key === labelRef.key;
    const named = f.tensors.filter((t) => (wanted === undefined ? !isLabels(t.key) : t.key === wanted));
    const cube = named.find((t) => t.shape.length === 3);
    if (cube) {
      for (let l = 0; l < cube.shape[0]; l++)
        available.push({
          name: `${prefix}${cube.key || 'layer'}[${l}]`,
          activations: { fileId: f.fileId, key: cube.key, layer: l },
        });
    } else {
      for (const t of named.filter((t) => t.shape.length === 2 && t.shape[1] > 1))
        available.push({ name: `${prefix}${t.key || f.name}`, activations: { fileId: f.fileId, key: t.key } });
    }
  }
  const layerAxis = axis('layer');
  const single = () => {
    const ref = activations();
    return [{ name: `${files[0].name}${ref.key ? `:${ref.key}` : ''}`, activations: ref }];
  };
  const layers = layerAxis ? chooseLayers(layerAxis, available) : single();

  const standardize = !args.flags.has('no-standardize');
  const settings = gridSettings(args, axis('method'), axis('C'), axis('shrinkage'));
  const config = {
    logistic: logisticFlags(args, standardize),
    ldaStandardize: standardize,
    settings,
    selectBy,
    folds: numberFlag(args, 'folds', 5),
    seed: numberFlag(args, 'fold-seed', 0),
  };
  const { engine } = await startEngine(args);
  const quiet = args.flags.has('quiet');
  const total = layers.length * settings.length;
  const r = await runProbeSuiteJob(
    engine,
    store,
    {
      method: 'probe-sweep',
      data: { labels: labelRef, split, layers },
      config,
      eval: DEFAULT_SUITE_EVAL,
    },
    {
      onStart: () => {},
      onProgress: (p) => {
        if (!quiet) console.error(`cell ${p[0] + 1}/${total}: ${layers[p[1]].name} · ${settingLabel(settings[p[2]])}`);
      },
      isCancelled: () => false,
    },
  );
  if (!r || r.method !== 'probe-sweep') throw new Error('the run was cancelled');
  const table = sweepTable(r.names, r.settings, r.cells, r.best);
  const result = {
    engine: engine.info,
    activations: files.map((f) => f.name),
    labels: `${labels.name}${labelRef.key ? `:${labelRef.key}` : ''}`,
    method: 'probe-sweep',
    grid: {
      axes: axes.map((a) => pointLabel({ [a.name]: a.values.join(',') })),
      layers: r.names,
      settings: settings.map(settingLabel),
    },
    folds: r.folds,
    foldSeed: r.foldSeed,
    selectBy: r.selectBy,
    bootstrap: DEFAULT_SUITE_EVAL.bootstrap,
    trainRows: r.bestOutcome.train.rows.length,
    testRows: r.bestOutcome.test.rows.length,
    cells: table,
    best: table.find((row) => row.best),
    notes: r.bestOutcome.notes,
    bestProbe: probeToPlain(r.bestOutcome.model),
  };
  const out = stringFlag(args, 'out');
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'probe_sweep.json'), JSON.stringify(result, null, 1));
    writeFileSync(join(out, 'probe_sweep.csv'), sweepCsv(table));
  }
  const csv = stringFlag(args, 'csv');
  if (csv) writeFileSync(csv, sweepCsv(table));
  return result;
}

/** `layer=all`, or layer indices (0-based, in the order the inputs provide them) or names. */
function chooseLayers(axis: SweepAxis, available: LayersDataRefs['layers']): LayersDataRefs['layers'] {
  if (available.length === 0) throw new Error('--sweep layer: the inputs hold no [L, N, D] or [N, D] activations');
  if (axis.values.length === 1 && axis.values[0] === 'all') return available;
  const names = available.map((l, i) => `${i}: ${l.name}`).join(', ');
  return axis.values.map((v) => {
    const found = typeof v === 'number' ? available[v] : available.find((l) => l.name === v);
    if (!found) throw new Error(`--sweep layer: no layer ${JSON.stringify(v)}; the inputs provide ${names}`);
    return found;
  });
}

/** The grid's columns: each method with its own regulariser's values (C for logistic, shrinkage for LDA). */
function gridSettings(
  args: CliArgs,
  method: SweepAxis | undefined,
  C: SweepAxis | undefined,
  shrinkage: SweepAxis | undefined,
): SweepSetting[] {
  const methods = method ? method.values.map(String) : [stringFlag(args, 'method') ?? 'logistic'];
  for (const m of methods)
    if (m !== 'logistic' && m !== 'lda')
      throw new Error(`--sweep method: ${m} has no regulariser to sweep; logistic or lda`);
  if (C && !methods.includes('logistic')) throw new Error('--sweep C needs the logistic method');
  if (shrinkage && !methods.includes('lda'))
    throw new Error('--sweep shrinkage needs --method lda or --sweep method=…,lda');
  const Cs = C ? numericValues(C) : [numberFlag(args, 'C', 1)];
  Cs.forEach((c) => {
    if (!(c > 0)) throw new Error(`--sweep C: ${c} is not a positive number`);
  });
  const alphas = shrinkage
    ? shrinkage.values.map((v) => parseShrinkage(String(v)))
    : [parseShrinkage(stringFlag(args, 'shrinkage'))];
  return methods.flatMap((m): SweepSetting[] =>
    m === 'logistic'
      ? Cs.map((c) => ({ method: 'logistic', C: c }))
      : alphas.map((a) => ({ method: 'lda', shrinkage: a })),
  );
}

/** The held-out accuracy grid (rows = layers, columns = settings) with the CV-chosen cell starred. */
export function probeSweepTable(result: Record<string, unknown>): string {
  const grid = result.grid as { layers: string[]; settings: string[] };
  const cells = result.cells as ReturnType<typeof sweepTable>;
  const width = Math.max(8, ...grid.layers.map((l) => l.length));
  const col = Math.max(9, ...grid.settings.map((s) => s.length)) + 1;
  const lines = [
    `probe sweep: held-out accuracy; * = best by ${result.folds}-fold CV ${result.selectBy}`,
    `${''.padEnd(width)}${grid.settings.map((s) => s.padStart(col)).join('')}`,
  ];
  grid.layers.forEach((name, i) => {
    const row = cells.slice(i * grid.settings.length, (i + 1) * grid.settings.length);
    const fmt = (c: (typeof cells)[number]) =>
      `${c.best ? '*' : ''}${c.test_accuracy === null ? '—' : c.test_accuracy.toFixed(4)}`;
    lines.push(`${name.padEnd(width)}${row.map((c) => fmt(c).padStart(col)).join('')}`);
  });
  return lines.join('\n');
}
