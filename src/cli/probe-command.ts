// `probelab probe`: a probe trained by the worker's own jobs (logistic, LDA, mass-mean) on the reference
// split or a seeded one, reported as JSON or a short table.
import { runProbeJob } from '../jobs/probe-job';
import { runProbeSuiteJob } from '../jobs/probe-suite-job';
import { DEFAULT_LOGISTIC, type LogisticConfig } from '../core/probes/logistic';
import { DEFAULT_LDA, type LdaConfig } from '../core/probes/lda';
import { probeToPlain } from '../core/probes/probe-export';
import { DEFAULT_MASS_MEAN, type MassMeanConfig } from '../core/probes/mass-mean';
import type { ArrayRef, LabelledDataRefs } from '../protocol';
import { numberFlag, stringFlag, type CliArgs } from './args';
import { openInto, pickKey, startEngine, storeFor } from './inputs';
import { DEFAULT_SUITE_EVAL, type ProbeSuiteSpec } from '../protocol';
import { sklearnProbeScript, sklearnReadable } from '../core/probes/sklearn-export';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

/** Every ACTS file, the labels and the split opened into one store; `activations` picks the first file's [N, D]. */
export async function openProbeInputs(args: CliArgs) {
  const actsPaths = args.positional;
  const labelsPath = stringFlag(args, 'labels');
  if (actsPaths.length === 0 || !labelsPath) throw new Error('probe needs ACTS and --labels LABELS (see --help)');
  // Files first: a bad one is reported before any GPU device is created.
  const store = storeFor(args);
  const files = [];
  for (const [i, path] of actsPaths.entries()) files.push(await openInto(store, i === 0 ? 'acts' : `acts${i}`, path));
  const acts = files[0];
  const labelsAt = actsPaths.indexOf(labelsPath);
  const labels = labelsAt >= 0 ? files[labelsAt] : await openInto(store, 'labels', labelsPath);
  const activations = (): ArrayRef => ({ fileId: acts.fileId, key: pickKey(acts, stringFlag(args, 'key'), 2) });
  const labelRef: ArrayRef = { fileId: labels.fileId, key: pickKey(labels, stringFlag(args, 'labels-key'), 1) };
  const splitPath = stringFlag(args, 'split');
  const split: LabelledDataRefs['split'] = splitPath
    ? { kind: 'file', fileId: (await openInto(store, 'split', splitPath)).fileId }
    : {
        kind: 'random',
        testFraction: numberFlag(args, 'test-fraction', 0.25),
        seed: numberFlag(args, 'seed', 0),
        stratify: !args.flags.has('no-stratify'),
      };
  return { store, files, acts, labels, labelRef, split, activations };
}

export async function probe(args: CliArgs): Promise<Record<string, unknown>> {
  if (args.positional.length > 1) throw new Error('probe takes one ACTS file; several are for --sweep layer=…');
  const { store, acts, labels, labelRef, split, activations: pick } = await openProbeInputs(args);
  const actsPath = args.positional[0];
  const labelsPath = stringFlag(args, 'labels')!;
  const activations = pick();
  const data: LabelledDataRefs = { activations, labels: labelRef, split };
  const { engine } = await startEngine(args);
  const standardize = !args.flags.has('no-standardize');
  const method = stringFlag(args, 'method') ?? 'logistic';
  const shrinkage = shrinkageFlag(args, method);
  for (const flag of ['folds', 'fold-seed', 'select-by', 'csv', 'out'])
    if (args.flags.has(flag)) throw new Error(`--${flag} applies to a sweep (--sweep name=v1,v2,…)`);
  if ((stringFlag(args, 'variant') !== undefined || args.flags.has('standardize')) && method !== 'mass-mean')
    throw new Error(`--variant and --standardize apply to --method mass-mean, not ${method}`);
  const exportTo = stringFlag(args, 'export-sklearn');
  if (exportTo !== undefined) {
    if (method !== 'logistic') throw new Error(`--export-sklearn applies to --method logistic, not ${method}`);
    for (const p of [actsPath, labelsPath])
      if (!sklearnReadable(p))
        throw new Error(
          `--export-sklearn: the script reads .npy .npz .safetensors .h5 .csv .jsonl with numpy, not ${p}`,
        );
  }
  const hooks = { onStart: () => {}, onProgress: () => {}, isCancelled: () => false };
  const base = {
    engine: engine.info,
    activations: `${acts.name}${activations.key ? `:${activations.key}` : ''}`,
    labels: `${labels.name}${labelRef.key ? `:${labelRef.key}` : ''}`,
    method,
  };

  if (method === 'logistic') {
    const config = logisticFlags(args, standardize);
    const r = await runProbeJob(engine, store, { method: 'logistic', data, config }, hooks);
    if (!r) throw new Error('the run was cancelled');
    if (exportTo !== undefined) {
      // Paths relative to the script, so the script and the files can move together.
      const rel = (p: string) => {
        const r = relative(dirname(resolve(exportTo)), resolve(p));
        return isAbsolute(r) ? r : r.split('\\').join('/');
      };
      mkdirSync(dirname(resolve(exportTo)), { recursive: true });
      writeFileSync(
        exportTo,
        sklearnProbeScript({
          activations: { path: rel(actsPath), key: activations.key },
          labels: { path: rel(labelsPath), key: labelRef.key },
          config,
          trainIdx: r.trainIdx!,
          testIdx: r.testIdx!,
          probelabTestAccuracy: r.test.accuracy,
        }),
      );
    }
    const model = {
      method: 'logistic' as const,
      cols: r.cols,
      outputs: r.outputs,
      classes: r.classes,
      link: 'logit' as const,
      weights: r.weights,
      intercept: r.intercept,
      standardization: { mean: r.mean, scale: r.scale },
    };
    return {
      ...base,
      config,
      classes: r.classes,
      trainRows: r.trainRows,
      testRows: r.testRows,
      train: r.train,
      test: r.test,
      iterations: r.iterations,
      stopReason: r.reason,
      gradMax: r.gradMax,
      lambdaMeanLoss: r.lambdaMeanLoss,
      probe: probeToPlain(model),
      ...(exportTo !== undefined ? { sklearnScript: exportTo } : {}),
    };
  }
  if (method !== 'lda' && method !== 'mass-mean')
    throw new Error(`--method must be logistic, lda or mass-mean, got ${method}`);
  const massMean = massMeanConfig(args);
  const spec: ProbeSuiteSpec =
    method === 'lda'
      ? { method: 'lda', data, config: { ...DEFAULT_LDA, standardize, shrinkage }, eval: DEFAULT_SUITE_EVAL }
      : { method: 'mass-mean', data, config: massMean, eval: DEFAULT_SUITE_EVAL };
  const r = await runProbeSuiteJob(engine, store, spec, hooks);
  if (!r || (r.method !== 'lda' && r.method !== 'mass-mean')) throw new Error('the run was cancelled');
  return {
    ...base,
    ...(method === 'lda' ? { shrinkage } : { config: massMean }),
    classes: r.classes,
    trainRows: r.train.rows.length,
    testRows: r.test.rows.length,
    train: r.train.report.metrics,
    test: r.test.report.metrics,
    intervals: { train: r.train.report.intervals, test: r.test.report.intervals },
    notes: r.notes,
    probe: probeToPlain(r.model),
  };
}

/** The logistic settings the flags give (C is the sweep's own where it sweeps C). */
export function logisticFlags(args: CliArgs, standardize: boolean): LogisticConfig {
  return {
    ...DEFAULT_LOGISTIC,
    C: numberFlag(args, 'C', 1),
    standardize,
    optimizer: (stringFlag(args, 'optimizer') ?? 'lbfgs') as 'lbfgs' | 'adam',
    learningRate: numberFlag(args, 'lr', DEFAULT_LOGISTIC.learningRate),
    maxIter: numberFlag(args, 'max-iter', DEFAULT_LOGISTIC.maxIter),
    tol: numberFlag(args, 'tol', DEFAULT_LOGISTIC.tol),
    classWeight: args.flags.has('balanced') ? 'balanced' : 'none',
  };
}

/** Mass-mean fits in activation space unless --standardize asks for z-scored rows; --variant plain | iid. */
function massMeanConfig(args: CliArgs): MassMeanConfig {
  const variant = stringFlag(args, 'variant') ?? DEFAULT_MASS_MEAN.variant;
  if (variant !== 'plain' && variant !== 'iid') throw new Error(`--variant must be plain or iid, got ${variant}`);
  return { ...DEFAULT_MASS_MEAN, variant, standardize: args.flags.has('standardize') };
}

/** --shrinkage none | auto | X, as scikit-learn's LinearDiscriminantAnalysis(solver='lsqr', shrinkage=…). */
function shrinkageFlag(args: CliArgs, method: string): LdaConfig['shrinkage'] {
  const v = stringFlag(args, 'shrinkage');
  if (v !== undefined && method !== 'lda') throw new Error(`--shrinkage applies to --method lda, not ${method}`);
  return parseShrinkage(v);
}

/** none | auto | X in [0, 1]; undefined is none. */
export function parseShrinkage(v: string | undefined): LdaConfig['shrinkage'] {
  if (v === undefined || v === 'none') return 'none';
  if (v === 'auto') return 'ledoit-wolf';
  const alpha = Number(v);
  if (v.trim() === '' || !(alpha >= 0 && alpha <= 1))
    throw new Error(`--shrinkage must be none, auto or a number in [0, 1], got ${JSON.stringify(v)}`);
  return alpha;
}

export function probeTable(result: Record<string, unknown>): string {
  const side = (s: unknown) => s as Record<string, unknown>;
  const fmt = (v: unknown): string =>
    typeof v === 'number'
      ? v.toFixed(4)
      : v === null
        ? '—'
        : typeof v === 'object' && v && 'value' in v
          ? fmt((v as { value: unknown }).value)
          : String(v ?? '—');
  const lines = [
    `${result.method} on ${result.activations} with ${result.labels} (${(result.engine as { implementation: string }).implementation})`,
  ];
  for (const key of ['accuracy', 'auroc', 'logLoss'])
    lines.push(`  ${key.padEnd(10)} train ${fmt(side(result.train)[key])}   held-out ${fmt(side(result.test)[key])}`);
  if (result.stopReason) lines.push(`  ${result.stopReason} after ${result.iterations} iterations`);
  return lines.join('\n');
}
