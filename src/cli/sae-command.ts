// `probelab sae`: a sparse autoencoder trained by the worker's own SAE job on the engine (WGSL kernels on
// WebGPU), written out in SAELens' layout (cfg.json + sae_weights.safetensors) with a JSON summary beside it, and
// train | held-out metrics printed as the app shows them. Progress goes to stderr at every evaluation.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SAE_CONFIG, type SaeArchitecture, type SaeConfig } from '../core/sae/config';
import { runSaeTrainJob } from '../jobs/sae-job';
import { numberFlag, stringFlag, type CliArgs } from './args';
import { openInto, openSources, pickKey, startEngine, storeFor } from './inputs';
import { openSafetensors } from '../core/formats/safetensors';
import { nodeFileSource } from '../core/formats/node-source';
import { placeholdersFrom } from '../core/sae/scale-out';
import { SAE_PROGRESS_FIELDS, type SaeResultSummary } from '../protocol';

const ARCHITECTURES: SaeArchitecture[] = ['topk', 'batchtopk', 'relu', 'jumprelu'];

/** The run's SaeConfig: the app's defaults, overridden by the flags given. */
export function saeConfigFrom(args: CliArgs): SaeConfig {
  const architecture = (stringFlag(args, 'arch') ?? DEFAULT_SAE_CONFIG.architecture) as SaeArchitecture;
  if (!ARCHITECTURES.includes(architecture))
    throw new Error(`--arch must be one of ${ARCHITECTURES.join(', ')}, got ${architecture}`);
  const lr = stringFlag(args, 'lr');
  const clip = stringFlag(args, 'grad-clip');
  return {
    ...DEFAULT_SAE_CONFIG,
    architecture,
    dSae: numberFlag(args, 'd-sae', DEFAULT_SAE_CONFIG.dSae),
    k: numberFlag(args, 'k', DEFAULT_SAE_CONFIG.k),
    sparsityCoefficient: numberFlag(args, 'sparsity', DEFAULT_SAE_CONFIG.sparsityCoefficient),
    steps: numberFlag(args, 'steps', DEFAULT_SAE_CONFIG.steps),
    batchSize: numberFlag(args, 'batch', DEFAULT_SAE_CONFIG.batchSize),
    lr: lr === undefined ? null : numberFlag(args, 'lr', 0),
    auxKCoefficient: numberFlag(args, 'auxk-alpha', DEFAULT_SAE_CONFIG.auxKCoefficient),
    gradClip: clip === 'none' ? null : numberFlag(args, 'grad-clip', DEFAULT_SAE_CONFIG.gradClip ?? 1),
    heldOutFraction: numberFlag(args, 'held-out', DEFAULT_SAE_CONFIG.heldOutFraction),
    evalEvery: numberFlag(args, 'eval-every', DEFAULT_SAE_CONFIG.evalEvery),
    seed: numberFlag(args, 'seed', DEFAULT_SAE_CONFIG.seed),
    normalize: !args.flags.has('no-normalize'),
  };
}

/** Keys of a safetensors `__metadata__` a cluster hand-off can use (SAELens' own names), as SAELens types them. */
export async function activationsMetadata(path: string): Promise<Record<string, string | number>> {
  if (!/\.safetensors$/i.test(path)) return {};
  const source = await nodeFileSource(path);
  openSources.push(source);
  const p = placeholdersFrom((await openSafetensors(source)).metadata);
  const out: Record<string, string | number> = {};
  if (p.modelName) out.model_name = p.modelName;
  if (p.hookName) out.hook_name = p.hookName;
  if (p.dataset) out.dataset_path = p.dataset;
  if (p.contextSize) out.context_size = p.contextSize;
  if (p.totalTokens) out.training_tokens = p.totalTokens;
  return out;
}

export async function sae(args: CliArgs): Promise<Record<string, unknown>> {
  const [actsPath] = args.positional;
  if (!actsPath) throw new Error('sae needs ACTS (see --help)');
  const config = saeConfigFrom(args);
  // Files first: a bad one is reported before any GPU device is created.
  const store = storeFor(args);
  const acts = await openInto(store, 'acts', actsPath);
  const activations = { fileId: acts.fileId, key: pickKey(acts, stringFlag(args, 'key'), 2) };
  const metadata = await activationsMetadata(actsPath);
  const quiet = args.flags.has('quiet');
  const { engine } = await startEngine(args);
  const r: SaeResultSummary | null = await runSaeTrainJob(
    { engine },
    store,
    { activations, transform: 'none', config },
    {
      onStart: (i) => {
        if (!quiet)
          console.error(
            `training ${config.architecture} d_sae ${i.dSae} on ${i.trainRows} rows (${i.testRows} held out), ${i.implementation}`,
          );
      },
      onProgress: (point) => {
        const p = Object.fromEntries(SAE_PROGRESS_FIELDS.map((f, i) => [f, point[i]])) as Record<
          (typeof SAE_PROGRESS_FIELDS)[number],
          number
        >;
        // Points with held-out metrics are the evaluation steps; the rest would flood a terminal.
        if (quiet || Number.isNaN(p.testFvu)) return;
        console.error(
          `step ${p.step + 1}/${config.steps}  loss ${p.loss.toFixed(5)}  fvu train ${p.trainFvu.toFixed(4)} | held-out ${p.testFvu.toFixed(4)}  L0 held-out ${p.testL0.toFixed(1)}  dead ${(100 * p.deadFraction).toFixed(1)}%`,
        );
      },
      isCancelled: () => false,
    },
  );
  if (!r) throw new Error('the run was cancelled');
  const out = stringFlag(args, 'out');
  const summary = {
    engine: engine.info,
    implementation: r.implementation,
    activations: `${acts.name}${activations.key ? `:${activations.key}` : ''}`,
    config,
    stop: r.stop,
    steps: r.steps,
    elapsedMs: Math.round(r.elapsedMs),
    samplesPerSec: Math.round((r.steps * config.batchSize * 1000) / r.elapsedMs),
    trainRows: r.trainRows,
    testRows: r.testRows,
    scale: r.scale,
    train: r.train,
    test: r.test,
    deadFraction: r.deadFraction,
    liveLatents: r.liveLatents,
    frequentLatents: r.frequentLatents,
    metadata,
    saved: out ? { dir: out, files: ['cfg.json', 'sae_weights.safetensors', 'probelab_summary.json'] } : null,
  };
  if (out) writeSaeLensFolder(out, r, summary, metadata);
  return summary;
}

/** SAELens' layout (cfg.json + sae_weights.safetensors) with probelab's summary beside it. */
export function writeSaeLensFolder(
  dir: string,
  r: Pick<SaeResultSummary, 'saeLens'>,
  summary: object,
  metadata: Record<string, unknown> = {},
): void {
  mkdirSync(dir, { recursive: true });
  // Where the activations came from, under SAELens' own metadata names, when the file said.
  const cfg = JSON.parse(r.saeLens.cfgJson) as { metadata: Record<string, unknown> };
  cfg.metadata = { ...cfg.metadata, ...metadata };
  writeFileSync(join(dir, 'cfg.json'), JSON.stringify(cfg, null, 2));
  writeFileSync(join(dir, 'sae_weights.safetensors'), r.saeLens.safetensors);
  writeFileSync(join(dir, 'probelab_summary.json'), JSON.stringify(summary, null, 1));
}

export function saeTable(result: Record<string, unknown>): string {
  const m = (side: string, key: string) => (result[side] as Record<string, number | null>)[key];
  const fmt = (v: number | null) => (v === null || v === undefined ? '—' : v.toFixed(4));
  const lines = [
    `${(result.config as SaeConfig).architecture} SAE on ${result.activations} (${result.implementation}), ${result.steps} steps, ${result.samplesPerSec} samples/s`,
  ];
  for (const key of ['mse', 'fvu', 'cosine', 'l0'])
    lines.push(`  ${key.padEnd(8)} train ${fmt(m('train', key))}   held-out ${fmt(m('test', key))}`);
  const saved = result.saved as { dir: string } | null;
  if (saved) lines.push(`  SAELens files in ${saved.dir}`);
  return lines.join('\n');
}
