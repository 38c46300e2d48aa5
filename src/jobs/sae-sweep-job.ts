// The SAE sweep job: every member of a grid trained in one job on shared batch streams (core/sae/sweep-loop),
// each member initialised, stepped (through the engine's group step where it has one) and summarised exactly as
// its single run (sae-job.ts) would be; the device memory all members need is checked before any is created;
// members can be stopped or added while it runs.
import { rulesOf } from '../core/sae/architecture';
import { resolvedLr, validateSaeConfig, type SaeConfig } from '../core/sae/config';
import { foldScale } from '../core/sae/normalization';
import type { SaeWeights } from '../core/sae/params';
import { sweepLoop, sweepStreamKey, type SweepMemberRun } from '../core/sae/sweep-loop';
import type { SaeData } from '../core/sae/train-loop';
import type { GridPoint } from '../core/sweep/grid';
import { checkSweepMemory, memberAt, saeGridMembers, saeMemberBytes } from '../core/sweep/sae-grid';
import {
  DEFAULT_SWEEP_MEMORY_BUDGET,
  type SaeSweepMember,
  type SaeSweepMemberResult,
  type SaeSweepResult,
  type SaeSweepSpec,
} from '../protocol';
import type { DatasetStore } from './dataset-store';
import { freshSaeParams, packSaeProgress, prepareSaeData, summarize, type SaeJobContext } from './sae-job';

export interface SaeSweepHooks {
  onStart(info: {
    members: SaeSweepMember[];
    trainRows: number;
    testRows: number;
    dIn: number;
    implementation: string;
    memoryBytes: number;
  }): void;
  onMemberAdded?(member: SaeSweepMember): void;
  /** One progress point (packSaeProgress's columns) of one member. */
  onProgress(id: number, point: Float64Array): void;
  onMemberEnd(result: SaeSweepMemberResult): void;
  isCancelled(): boolean;
}

/** Live control of a running sweep: the worker (or CLI) calls these between steps. */
export class SaeSweepControl {
  private readonly stops = new Set<number>();
  private added: GridPoint[] = [];
  /** The member ends before its next step (its summary is of the weights it has then). */
  stop(id: number): void {
    this.stops.add(id);
  }
  stopRequested(id: number): boolean {
    return this.stops.has(id);
  }
  /** A new grid point: it starts from its own init on its stream's next batch. */
  add(point: GridPoint): void {
    this.added.push(point);
  }
  takeAdded(): GridPoint[] {
    const a = this.added;
    this.added = [];
    return a;
  }
}

/** The engine's largest buffer; the CPU engine has no device limit beyond the budget. */
function maxBufferBytes(ctx: SaeJobContext): number {
  const l = ctx.engine.info.limits;
  return l ? Math.min(l.maxBufferSize, l.maxStorageBufferBindingSize) : Infinity;
}

export async function runSaeSweepJob(
  ctx: SaeJobContext,
  store: DatasetStore,
  spec: SaeSweepSpec,
  hooks: SaeSweepHooks,
  control = new SaeSweepControl(),
): Promise<SaeSweepResult | null> {
  const started = performance.now();
  const grid = saeGridMembers(spec.base, spec.axes);
  const mat = await store.matrix(spec.activations);
  const d = mat.cols;
  for (const g of grid) validateSaeConfig(g.config, d);
  const limits = {
    maxBufferBytes: maxBufferBytes(ctx),
    budgetBytes: spec.memoryBudgetBytes ?? DEFAULT_SWEEP_MEMORY_BUDGET,
  };
  const memory = checkSweepMemory(spec.base, spec.axes, d, limits);
  if (!memory.fits) throw new Error(memory.message);
  let memoryBytes = memory.totalBytes;

  // One SaeData per stream: members that would draw the same batches share it (and so share every batch).
  const streams = new Map<string, Promise<{ data: SaeData; center: Float64Array }>>();
  const dataFor = (c: SaeConfig) => {
    const key = sweepStreamKey(c);
    if (!streams.has(key)) streams.set(key, prepareSaeData(store, spec, c));
    return streams.get(key)!;
  };
  const members = new Map<number, { member: SaeSweepMember; run: SweepMemberRun }>();
  const results: SaeSweepMemberResult[] = [];
  let implementation = '';
  const create = async (member: SaeSweepMember): Promise<SweepMemberRun> => {
    const { data, center } = await dataFor(member.config);
    const c = member.config;
    const trainer = ctx.engine.saeTrainer(
      { architecture: c.architecture, dIn: d, dSae: c.dSae },
      { params: freshSaeParams(c, d, center, data.scale) },
    );
    implementation = trainer.implementation;
    const run = { id: member.id, config: c, trainer, data };
    members.set(member.id, { member, run });
    return run;
  };
  const initial: SweepMemberRun[] = [];
  // The engine's group step, where it has one: members of a stream step on each batch together.
  const group = ctx.engine.saeStepGroup?.();
  try {
    for (const [id, g] of grid.entries()) initial.push(await create({ id, ...g, addedLive: false }));
    const first = initial[0].data;
    hooks.onStart({
      members: [...members.values()].map((m) => m.member),
      trainRows: first.train.length,
      testRows: first.test.length,
      dIn: d,
      implementation,
      memoryBytes,
    });
    const { batches } = await sweepLoop(
      initial,
      {
        cancelled: hooks.isCancelled,
        stopRequested: (id) => control.stopRequested(id),
        takeAdded: async () => {
          const runs: SweepMemberRun[] = [];
          for (const point of control.takeAdded()) {
            const g = memberAt(spec.base, point, spec.axes);
            validateSaeConfig(g.config, d);
            const bytes = saeMemberBytes(g.config, d);
            if (bytes.largestBuffer > limits.maxBufferBytes || memoryBytes + bytes.total > limits.budgetBytes)
              throw new Error(`cannot add ${g.label}: the sweep's members would exceed the device memory budget`);
            memoryBytes += bytes.total;
            const member = { id: members.size, ...g, addedLive: true };
            runs.push(await create(member));
            hooks.onMemberAdded?.(member);
          }
          return runs;
        },
        onStep: (id, report) => hooks.onProgress(id, packSaeProgress(report)),
        onMemberEnd: async (id, loop) => {
          const { member, run } = members.get(id)!;
          const c = run.config;
          let summary = null;
          if (loop.stop.reason !== 'cancelled') {
            const params = await run.trainer.read();
            const weights: SaeWeights = {
              ...foldScale(params, run.data.scale),
              architecture: c.architecture,
              dIn: d,
              dSae: c.dSae,
              k: rulesOf(c.architecture).usesK ? c.k : null,
            };
            const s = await summarize(run.trainer, run.data, weights, c.k, c.seed, store, spec, {
              kind: 'trained',
              config: c,
              // A member stopped early is reported as its single run stopped at that step would be: done there.
              stop: loop.stop.reason === 'stopped' ? { reason: 'done' } : loop.stop,
              steps: loop.steps,
              deadFraction: loop.tracker.deadFraction(),
              deadWindowRows: loop.tracker.window,
              metadata: {
                lr: resolvedLr(c),
                steps: loop.steps,
                seed: c.seed,
                normalization_scale_folded: run.data.scale,
                transform: spec.transform,
                sweep_point: member.label,
              },
            });
            summary = { ...s, elapsedMs: performance.now() - started };
          }
          run.trainer.dispose();
          const result = { member, stop: loop.stop, summary };
          results.push(result);
          hooks.onMemberEnd(result);
        },
      },
      group,
    );
    if (hooks.isCancelled()) return null;
    results.sort((a, b) => a.member.id - b.member.id);
    return { implementation, elapsedMs: performance.now() - started, batches, members: results };
  } finally {
    group?.dispose();
    for (const { run } of members.values()) if (!results.some((r) => r.member.id === run.id)) run.trainer.dispose();
  }
}
