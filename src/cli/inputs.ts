// What every CLI command does with its input files: open them into the worker's own DatasetStore (so the same
// parsers and checks apply), pick the array a flag names or the obvious one, and start the engine.
import { installNodeWebGPU } from '../engine/gpu/node-webgpu';
import { createEngine, type StartedEngine } from '../engine/create-engine';
import { parseBudgets, type BudgetOverrides } from '../core/formats/budgets';
import { nodeFileSource, type NodeFileSource } from '../core/formats/node-source';
import { preferredLabelColumn } from '../core/labels/label-names';
import { DatasetStore } from '../jobs/dataset-store';
import { stringFlag, type CliArgs } from './args';
import type { EnginePreference } from '../core/engine/engine';

/** Files the running command opened; main closes them when it ends. */
export const openSources: NodeFileSource[] = [];

/** The readers' budgets: PROBELAB_BUDGETS, then --budget on top (both `name=value,...`, see README). */
export function budgetsFrom(args: CliArgs, env: Record<string, string | undefined> = process.env): BudgetOverrides {
  return { ...parseBudgets(env.PROBELAB_BUDGETS ?? ''), ...parseBudgets(stringFlag(args, 'budget') ?? '') };
}

/** The store a command opens its files into, within the budgets the user gave. */
export function storeFor(args: CliArgs): DatasetStore {
  return new DatasetStore(budgetsFrom(args));
}

export async function openInto(store: DatasetStore, id: string, path: string) {
  const source = await nodeFileSource(path);
  openSources.push(source);
  return store.open(id, source);
}

type Summary = Awaited<ReturnType<DatasetStore['open']>>;

/** The key the user named, else the first [N, D] (rank 2) or [N] (rank 1) array, else a label-like column. */
export function pickKey(summary: Summary, wanted: string | undefined, rank: 1 | 2): string {
  if (wanted !== undefined) return wanted;
  const fits = summary.tensors.filter((t) =>
    rank === 2 ? t.shape.length === 2 : t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1),
  );
  if (fits.length === 0 && rank === 1 && summary.columns.length)
    return preferredLabelColumn(summary.columns.map((c) => c.name))!;
  if (fits.length === 0)
    throw new Error(
      `${summary.name}: no ${rank === 2 ? '[N, D]' : '[N]'} array found; name one with ${rank === 2 ? '--key' : '--labels-key'}`,
    );
  return fits[0].key;
}

/** The engine --engine asks for (Dawn's WebGPU installed first unless it is the CPU). */
export async function startEngine(args: CliArgs): Promise<StartedEngine> {
  const preference = (stringFlag(args, 'engine') ?? 'auto') as EnginePreference;
  if (preference !== 'cpu') await installNodeWebGPU();
  return createEngine(preference);
}
