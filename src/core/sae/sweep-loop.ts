// The sweep loop: many SAE trainers on shared batch streams. Members whose runs would draw the same batches
// (same seed, batch size and data split: sweepStreamKey) share one stream, so each batch is gathered and
// normalised once and every member steps on it with the single run's own step, and so ends as the very model its
// single run would. Given the engine's group step, a stream's members step on each batch together (one upload,
// work fused across members of one shape); the rest of each step (divergence, dead latents, evaluation) is
// trainStep's. Members can be stopped early and added while the sweep runs.
import type { SaeConfig } from './config';
import { resolvedDeadWindowTokens } from './config';
import { DeadLatentTracker } from './dead-latents';
import { emptySums } from './metrics';
import {
  afterStep,
  BatchStream,
  stepInputs,
  trainStep,
  type LoopResult,
  type LoopStop,
  type SaeData,
  type SaeStepReport,
} from './train-loop';
import type { SaeStepGroup, SaeTrainer } from '../engine/sae-trainer';

/** A member's end: a single run's, or stopped early on request at `step` (steps done). */
export type SweepStop = LoopStop | { reason: 'stopped'; step: number };

export interface SweepMemberRun {
  id: number;
  config: SaeConfig;
  trainer: SaeTrainer;
  /** The member's rows, split and scale; members of one stream share this object. */
  data: SaeData;
}

export interface SweepLoopHooks {
  cancelled(): boolean;
  /** Members added since the last call (live): each starts from its own init on its stream's next batch. */
  takeAdded(): Promise<SweepMemberRun[]>;
  /** Whether a member was asked to stop; it ends before its next step with reason 'stopped'. */
  stopRequested(id: number): boolean;
  onStep(id: number, report: SaeStepReport): void;
  /** A member ended (its trainer still holds its final weights until this resolves). */
  onMemberEnd(id: number, result: Omit<LoopResult, 'stop'> & { stop: SweepStop }): Promise<void>;
}

/**
 * What decides a run's batches besides its rows: the seed (epoch shuffles and the held-out split), the batch size,
 * the held-out fraction and normalisation (the scale). Equal keys: the single runs would draw identical batches.
 */
export function sweepStreamKey(c: SaeConfig): string {
  return `seed ${c.seed}, batch ${c.batchSize}, held-out ${c.heldOutFraction}, normalize ${c.normalize}`;
}

interface MemberState {
  run: SweepMemberRun;
  step: number;
  rowsSeen: number;
  tracker: DeadLatentTracker;
  test: ReturnType<typeof emptySums>;
}

interface Stream {
  stream: BatchStream;
  batchSize: number;
  members: MemberState[];
}

/** One member's step outcome: trainStep's. */
type StepOutcome = Awaited<ReturnType<typeof trainStep>>;

/** Every member of a stream steps on one batch: together through the group when there is one, else one by one. */
async function stepMembers(
  members: MemberState[],
  batch: Float32Array,
  B: number,
  group: SaeStepGroup | undefined,
): Promise<StepOutcome[]> {
  if (!group || members.length < 2) {
    const out: StepOutcome[] = [];
    for (const m of members)
      out.push(await trainStep(m.run.trainer, m.run.data, m.run.config, m.step, batch, B, m.tracker, m.rowsSeen));
    return out;
  }
  const inputs = members.map((m) => stepInputs(m.run.trainer, m.run.data, m.run.config, m.step, m.tracker));
  const results = await group.step(
    batch,
    B,
    members.map((m, i) => ({ trainer: m.run.trainer, ...inputs[i] })),
  );
  const out: StepOutcome[] = [];
  for (const [i, m] of members.entries())
    out.push(
      await afterStep(
        m.run.trainer,
        m.run.data,
        m.run.config,
        m.step,
        B,
        m.tracker,
        m.rowsSeen,
        inputs[i].hyper,
        results[i],
      ),
    );
  return out;
}

/**
 * Runs until every member has ended; returns the batches drawn (each one stepped by every member of its stream).
 * `group`: the engine's group step, used for every stream with two members or more.
 */
export async function sweepLoop(
  initial: SweepMemberRun[],
  hooks: SweepLoopHooks,
  group?: SaeStepGroup,
): Promise<{ batches: number }> {
  let batches = 0;
  const streams = new Map<string, Stream>();
  const join = (run: SweepMemberRun) => {
    const key = sweepStreamKey(run.config);
    let s = streams.get(key);
    if (!s) {
      s = { stream: new BatchStream(run.data, run.config.seed), batchSize: run.config.batchSize, members: [] };
      streams.set(key, s);
    }
    if (s.stream.data !== run.data) throw new Error(`sweep member ${run.id}: its stream (${key}) has other data`);
    s.members.push({
      run,
      step: 0,
      rowsSeen: 0,
      tracker: new DeadLatentTracker(
        run.trainer.shape.dSae,
        resolvedDeadWindowTokens(run.config, run.data.train.length),
      ),
      test: emptySums(run.data.d, run.trainer.shape.dSae),
    });
  };
  const end = async (s: Stream, m: MemberState, stop: SweepStop) => {
    s.members.splice(s.members.indexOf(m), 1);
    await hooks.onMemberEnd(m.run.id, { stop, steps: m.step, tracker: m.tracker, test: m.test });
  };
  initial.forEach(join);
  for (;;) {
    (await hooks.takeAdded()).forEach(join);
    for (const [key, s] of streams) if (s.members.length === 0) streams.delete(key);
    if (streams.size === 0) return { batches };
    if (hooks.cancelled()) {
      for (const s of streams.values()) for (const m of [...s.members]) await end(s, m, { reason: 'cancelled' });
      return { batches };
    }
    for (const s of streams.values()) {
      for (const m of [...s.members])
        if (hooks.stopRequested(m.run.id)) await end(s, m, { reason: 'stopped', step: m.step });
      if (s.members.length === 0) continue;
      // One draw per stream per tick: every member of the stream takes this very batch.
      const B = s.stream.rowsFor(s.batchSize);
      const batch = s.stream.next(B);
      batches++;
      const stepping = [...s.members];
      const outcomes = await stepMembers(stepping, batch, B, group);
      for (const [i, m] of stepping.entries()) {
        const { config } = m.run;
        const r = outcomes[i];
        if ('stop' in r) {
          await end(s, m, r.stop);
          continue;
        }
        m.step += 1;
        m.rowsSeen += B;
        if (r.testSums) m.test = r.testSums;
        hooks.onStep(m.run.id, r.report);
        if (m.step >= config.steps) await end(s, m, { reason: 'done' });
      }
    }
  }
}
