// An N-member SAE sweep (members stepping on one shared batch stream, as core/sae/sweep-loop.ts steps them) against
// the same N configs as N sequential single runs (each member on its own stream, one after another), same engine
// and data in the same process. Every way warms up first (pipelines compiled, the first steps' allocations done);
// then the ways take turns in rounds of a few steady-state steps each, so a burst of load on the shared machine
// falls on all of them alike, and each way's step time is summed over its rounds. Reported: member-samples per
// second and the ratio to sequential (> 1: faster than one run after another). Set-up, held-out evaluation and
// summaries are outside the timed steps, so the ratios are of the training step alone (batch draw included).
// Sweep ways: members stepping one by one on the shared batch (the sweep loop without the engine's group step)
// and, where the engine has a group step, sharing the uploaded batch only, and with fused encoders too.
import { loadavg } from 'node:os';
import type { Engine } from '../src/core/engine/engine';
import type { SaeStepGroup, SaeTrainer } from '../src/core/engine/sae-trainer';
import { DEFAULT_SAE_CONFIG, resolvedDeadWindowTokens, type SaeConfig } from '../src/core/sae/config';
import { DeadLatentTracker } from '../src/core/sae/dead-latents';
import { BatchStream, stepInputs, type SaeData } from '../src/core/sae/train-loop';
import { saeGridMembers } from '../src/core/sweep/sae-grid';
import type { SweepAxis } from '../src/core/sweep/grid';
import { freshSaeParams } from '../src/jobs/sae-job';
import type { BenchArgs } from './args';
import { randomF32, round } from './timing';

/** N = 4: k over 4 values; N = 16: k × lr, 4 × 4. One seed and batch size: every member shares the stream and shape. */
function gridOf(n: 4 | 16, k: number): SweepAxis[] {
  const ks = [k, 2 * k, 3 * k, 4 * k];
  return n === 4
    ? [{ name: 'k', values: ks }]
    : [
        { name: 'k', values: ks },
        { name: 'lr', values: [1e-3, 2e-3, 3e-3, 4e-3] },
      ];
}

/** Random rows with a 90/10 split; normalisation off (scale 1). */
function benchData(rows: number, d: number): SaeData {
  const train = Int32Array.from({ length: Math.floor(rows * 0.9) }, (_, i) => i);
  const test = Int32Array.from({ length: rows - train.length }, (_, i) => train.length + i);
  return { x: randomF32(rows * d, 11), d, train, test, scale: 1 };
}

interface Member {
  config: SaeConfig;
  trainer: SaeTrainer;
  tracker: DeadLatentTracker;
  step: number;
}

/** One way of training the N members: `advance(s)` takes every member s steps further. */
interface Way {
  name: string;
  advance(steps: number): Promise<void>;
  dispose(): void;
}

function membersFor(engine: Engine, configs: SaeConfig[], data: SaeData): Member[] {
  const center = new Float64Array(data.d);
  return configs.map((config) => ({
    config,
    trainer: engine.saeTrainer(
      { architecture: config.architecture, dIn: data.d, dSae: config.dSae },
      { params: freshSaeParams(config, data.d, center, data.scale) },
    ),
    tracker: new DeadLatentTracker(config.dSae, resolvedDeadWindowTokens(config, data.train.length)),
    step: 0,
  }));
}

function checkFinite(finite: boolean, m: Member): void {
  if (!finite) throw new Error(`sweep bench: a member (k=${m.config.k}) diverged at step ${m.step}`);
}

/** N single runs, one after another: each member its own stream, its steps alone. */
function sequentialWay(engine: Engine, configs: SaeConfig[], data: SaeData, B: number): Way {
  const members = membersFor(engine, configs, data).map((m) => ({
    ...m,
    stream: new BatchStream(data, m.config.seed),
  }));
  return {
    name: 'sequential',
    async advance(steps) {
      for (const m of members)
        for (let s = 0; s < steps; s++) {
          const batch = m.stream.next(B);
          const { hyper, dead } = stepInputs(m.trainer, data, m.config, m.step, m.tracker);
          const r = await m.trainer.step(batch, B, hyper, dead);
          checkFinite(r.finite, m);
          m.tracker.update(r.sums.fires, B);
          m.step++;
        }
    },
    dispose: () => members.forEach((m) => m.trainer.dispose()),
  };
}

/** The sweep: one stream, each batch drawn once; members step on it one by one, or through a group step. */
function sweepWay(
  name: string,
  engine: Engine,
  configs: SaeConfig[],
  data: SaeData,
  B: number,
  group: SaeStepGroup | undefined,
): Way {
  const members = membersFor(engine, configs, data);
  const stream = new BatchStream(data, configs[0].seed);
  return {
    name,
    async advance(steps) {
      for (let s = 0; s < steps; s++) {
        const batch = stream.next(B);
        const inputs = members.map((m) => stepInputs(m.trainer, data, m.config, m.step, m.tracker));
        let results;
        if (group)
          results = await group.step(
            batch,
            B,
            members.map((m, i) => ({ trainer: m.trainer, ...inputs[i] })),
          );
        else {
          results = [];
          for (const [i, m] of members.entries())
            results.push(await m.trainer.step(batch, B, inputs[i].hyper, inputs[i].dead));
        }
        for (const [i, m] of members.entries()) {
          checkFinite(results[i].finite, m);
          m.tracker.update(results[i].sums.fires, B);
          m.step++;
        }
      }
    },
    dispose: () => {
      group?.dispose();
      members.forEach((m) => m.trainer.dispose());
    },
  };
}

/** `warmup` untimed steps per member each way, then `rounds` turns of `steps` timed steps each way. */
export async function benchSweep(
  engine: Engine,
  a: BenchArgs,
  sizes: readonly (4 | 16)[],
  { warmup, rounds, steps }: { warmup: number; rounds: number; steps: number },
) {
  const { sweepB: B, sweepD: d, sweepM: m, sweepK: k } = a;
  const data = benchData(16 * B, d);
  const base: SaeConfig = { ...DEFAULT_SAE_CONFIG, dSae: m, k, batchSize: B, heldOutFraction: 0.1, normalize: false };
  const timed = rounds * steps;
  const runs = [];
  for (const n of sizes) {
    const configs = saeGridMembers(base, gridOf(n, k)).map((g) => ({ ...g.config, steps: warmup + timed }));
    const loadAtStart = loadavg().map((v) => round(v, 3));
    const ways: Way[] = [
      sequentialWay(engine, configs, data, B),
      sweepWay('oneByOne', engine, configs, data, B, undefined),
    ];
    if (engine.saeStepGroup)
      ways.push(
        sweepWay('sharedBatch', engine, configs, data, B, engine.saeStepGroup({ fuse: false })),
        sweepWay('fused', engine, configs, data, B, engine.saeStepGroup()),
      );
    for (const w of ways) await w.advance(warmup);
    const ms = new Map(ways.map((w) => [w.name, 0]));
    for (let r = 0; r < rounds; r++)
      // Rotated each round, so no way always follows the same one.
      for (let i = 0; i < ways.length; i++) {
        const w = ways[(i + r) % ways.length];
        const t0 = performance.now();
        await w.advance(steps);
        ms.set(w.name, ms.get(w.name)! + performance.now() - t0);
      }
    for (const w of ways) w.dispose();
    const seqMs = ms.get('sequential')!;
    const sweeps = [...ms].filter(([name]) => name !== 'sequential');
    // Each member's timed rows over the wall time the whole grid took for them (what a user waits for).
    const perMember = (t: number) => round((timed * B * 1000) / t, 4);
    runs.push({
      members: n,
      warmupSteps: warmup,
      timedSteps: timed,
      rounds,
      ms: Object.fromEntries([...ms].map(([name, t]) => [name, round(t, 4)])),
      samplesPerSecPerMember: Object.fromEntries([...ms].map(([name, t]) => [name, perMember(t)])),
      // Sequential ms ÷ the sweep's ms, per way.
      ratio: Object.fromEntries(sweeps.map(([name, t]) => [name, round(seqMs / t, 4)])),
      loadAverage: { start: loadAtStart, end: loadavg().map((v) => round(v, 3)) },
    });
  }
  return {
    implementation: engine.info.implementation,
    adapter: engine.info.adapter,
    architecture: base.architecture,
    B,
    d,
    m,
    k,
    runs,
  };
}
