// Headless Probelab: the same parsers, store, jobs and engine as the app's worker, driven from the command line,
// so a scripted sweep reproduces the numbers the UI shows on the same inputs.
//   probelab probe ACTS --labels LABELS [--split split.json | --test-fraction 0.25 --seed 0] [--C 1] ...

import { installNodeWebGPU } from '../engine/node-webgpu';
import { createEngine, type EnginePreference } from '../engine/create-engine';
import { nodeFileSource, type NodeFileSource } from '../core/formats/node-source';
import { DatasetStore } from '../jobs/dataset-store';
import { runProbeJob } from '../jobs/probe-job';
import { runProbeSuiteJob, DEFAULT_SUITE_EVAL, type ProbeSuiteSpec } from '../jobs/probe-suite-job';
import { DEFAULT_LOGISTIC } from '../core/probes/logistic';
import { DEFAULT_LDA } from '../core/probes/lda';
import { DEFAULT_MASS_MEAN } from '../core/probes/mass-mean';
import type { ArrayRef, LabelledDataRefs } from '../protocol';
import { preferredLabelColumn } from '../core/label-names';
import { numberFlag, parseArgs, stringFlag, type CliArgs } from './args';

const HELP = `probelab: train probes on activation files (the engine of the Probelab app, headless)

usage:
  probelab probe ACTS --labels LABELS [options]

ACTS and LABELS are any file the app reads (.npy .npz .safetensors .pt .h5 .csv .jsonl).
options:
  --key K            tensor key inside ACTS (default: the only 2-D tensor, or the first)
  --labels-key K     tensor key or table column inside LABELS (default: the only 1-D array)
  --method M         logistic (default) | lda | mass-mean
  --C X              inverse L2 strength, scikit-learn's C (default 1)
  --optimizer O      lbfgs (default) | adam;  --lr X  Adam learning rate;  --max-iter N;  --tol X
  --no-standardize   do not z-score features;  --balanced  balanced class weights
  --split FILE       JSON with train_idx / test_idx
  --test-fraction F  seeded random split (default 0.25);  --seed N (default 0);  --no-stratify
  --engine E         auto (default) | webgpu | cpu
  --json             print one JSON document (default: a short table)
WebGPU in Node uses Dawn; on a machine without a GPU driver point it at SwiftShader:
  VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json`;

const VALUE_FLAGS = new Set(['labels', 'key', 'labels-key', 'method', 'C', 'optimizer', 'lr', 'max-iter', 'tol', 'split', 'test-fraction', 'seed', 'engine']);
const BOOL_FLAGS = new Set(['json', 'no-standardize', 'balanced', 'no-stratify', 'help']);

const openSources: NodeFileSource[] = [];

async function openInto(store: DatasetStore, id: string, path: string) {
  const source = await nodeFileSource(path);
  openSources.push(source);
  return store.open(id, source);
}

function pickKey(summary: Awaited<ReturnType<DatasetStore['open']>>, wanted: string | undefined, rank: 1 | 2): string {
  if (wanted !== undefined) return wanted;
  const fits = summary.tensors.filter((t) => (rank === 2 ? t.shape.length === 2 : t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1)));
  if (fits.length === 0 && rank === 1 && summary.columns.length) return preferredLabelColumn(summary.columns.map((c) => c.name))!;
  if (fits.length === 0) throw new Error(`${summary.name}: no ${rank === 2 ? '[N, D]' : '[N]'} array found; name one with ${rank === 2 ? '--key' : '--labels-key'}`);
  return fits[0].key;
}

async function probe(args: CliArgs): Promise<Record<string, unknown>> {
  const [actsPath] = args.positional;
  const labelsPath = stringFlag(args, 'labels');
  if (!actsPath || !labelsPath) throw new Error('probe needs ACTS and --labels LABELS (see --help)');
  const preference = (stringFlag(args, 'engine') ?? 'auto') as EnginePreference;
  if (preference !== 'cpu') await installNodeWebGPU();
  const { engine } = await createEngine(preference);

  const store = new DatasetStore();
  const acts = await openInto(store, 'acts', actsPath);
  const labels = labelsPath === actsPath ? acts : await openInto(store, 'labels', labelsPath);
  const activations: ArrayRef = { fileId: acts.fileId, key: pickKey(acts, stringFlag(args, 'key'), 2) };
  const labelRef: ArrayRef = { fileId: labels.fileId, key: pickKey(labels, stringFlag(args, 'labels-key'), 1) };
  const splitPath = stringFlag(args, 'split');
  const split: LabelledDataRefs['split'] = splitPath
    ? { kind: 'file', fileId: (await openInto(store, 'split', splitPath)).fileId }
    : { kind: 'random', testFraction: numberFlag(args, 'test-fraction', 0.25), seed: numberFlag(args, 'seed', 0), stratify: !args.flags.has('no-stratify') };
  const data: LabelledDataRefs = { activations, labels: labelRef, split };
  const standardize = !args.flags.has('no-standardize');
  const method = stringFlag(args, 'method') ?? 'logistic';
  const hooks = { onStart: () => {}, onProgress: () => {}, isCancelled: () => false };
  const base = { engine: engine.info, activations: `${acts.name}${activations.key ? `:${activations.key}` : ''}`, labels: `${labels.name}${labelRef.key ? `:${labelRef.key}` : ''}`, method };

  if (method === 'logistic') {
    const config = {
      ...DEFAULT_LOGISTIC, C: numberFlag(args, 'C', 1), standardize,
      optimizer: (stringFlag(args, 'optimizer') ?? 'lbfgs') as 'lbfgs' | 'adam', learningRate: numberFlag(args, 'lr', DEFAULT_LOGISTIC.learningRate),
      maxIter: numberFlag(args, 'max-iter', DEFAULT_LOGISTIC.maxIter), tol: numberFlag(args, 'tol', DEFAULT_LOGISTIC.tol),
      classWeight: args.flags.has('balanced') ? 'balanced' as const : 'none' as const,
    };
    const r = await runProbeJob(engine, store, { method: 'logistic', data, config }, hooks);
    if (!r) throw new Error('the run was cancelled');
    return {
      ...base, config, classes: r.classes, trainRows: r.trainRows, testRows: r.testRows, train: r.train, test: r.test,
      iterations: r.iterations, stopReason: r.reason, gradMax: r.gradMax, lambdaMeanLoss: r.lambdaMeanLoss,
      weights: Array.from(r.weights), intercept: Array.from(r.intercept),
    };
  }
  if (method !== 'lda' && method !== 'mass-mean') throw new Error(`--method must be logistic, lda or mass-mean, got ${method}`);
  const spec: ProbeSuiteSpec = method === 'lda'
    ? { method: 'lda', data, config: { ...DEFAULT_LDA, standardize }, eval: DEFAULT_SUITE_EVAL }
    : { method: 'mass-mean', data, config: { ...DEFAULT_MASS_MEAN, standardize }, eval: DEFAULT_SUITE_EVAL };
  const r = await runProbeSuiteJob(engine, store, spec, hooks);
  if (!r || (r.method !== 'lda' && r.method !== 'mass-mean')) throw new Error('the run was cancelled');
  return {
    ...base, classes: r.classes, trainRows: r.train.rows.length, testRows: r.test.rows.length,
    train: r.train.report.metrics, test: r.test.report.metrics, intervals: { train: r.train.report.intervals, test: r.test.report.intervals }, notes: r.notes,
  };
}

function table(result: Record<string, unknown>): string {
  const side = (s: unknown) => s as Record<string, unknown>;
  const fmt = (v: unknown): string => (typeof v === 'number' ? v.toFixed(4) : v === null ? '—' : typeof v === 'object' && v && 'value' in v ? fmt((v as { value: unknown }).value) : String(v ?? '—'));
  const lines = [`${result.method} on ${result.activations} with ${result.labels} (${(result.engine as { implementation: string }).implementation})`];
  for (const key of ['accuracy', 'auroc', 'logLoss']) lines.push(`  ${key.padEnd(10)} train ${fmt(side(result.train)[key])}   held-out ${fmt(side(result.test)[key])}`);
  if (result.stopReason) lines.push(`  ${result.stopReason} after ${result.iterations} iterations`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv, VALUE_FLAGS, BOOL_FLAGS);
  } catch (e) {
    console.error(`probelab: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.command === 'help' || args.flags.has('help')) { console.log(HELP); return 0; }
  if (args.command !== 'probe') { console.error(`probelab: unknown command '${args.command}'\n\n${HELP}`); return 2; }
  try {
    const result = await probe(args);
    console.log(args.flags.has('json') ? JSON.stringify(result, null, 1) : table(result));
    return 0;
  } catch (e) {
    console.error(`probelab: ${(e as Error).message}`);
    return 1;
  } finally {
    await Promise.all(openSources.splice(0).map((s) => s.close()));
  }
}
