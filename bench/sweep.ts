// An N-member SAE sweep (sweepLoop: members on one shared batch stream) against the same N configs as N sequential
// single runs (trainLoop, one after another), same engine, trainers and data in the same process. Both ways warm up
// first (pipelines compiled, the first steps' allocations done), then a fixed number of steady-state steps is timed:
// member-samples per second each way and their ratio (> 1: the sweep trains its members faster). Set-up, held-out
// evaluation and summaries are outside the timed steps, so the ratio is of the training step alone.
import { loadavg } from 'node:os';
import type { Engine } from '../src/core/engine/engine';
import type { SaeTrainer } from '../src/core/engine/sae-trainer';
import { DEFAULT_SAE_CONFIG, type SaeConfig } from '../src/core/sae/config';
import { sweepLoop } from '../src/core/sae/sweep-loop';
import { trainLoop, type SaeData } from '../src/core/sae/train-loop';
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

/** Random rows with a 90/10 split; normalisation off (scale 1) so no extra pass is timed. */
function benchData(rows: number, d: number): SaeData {
  const train = Int32Array.from({ length: Math.floor(rows * 0.9) }, (_, i) => i);
  const test = Int32Array.from({ length: rows - train.length }, (_, i) => train.length + i);
  return { x: randomF32(rows * d, 11), d, train, test, scale: 1 };
}

function trainersFor(engine: Engine, configs: SaeConfig[], data: SaeData): SaeTrainer[] {
  const center = new Float64Array(data.d);
  return configs.map((c) =>
    engine.saeTrainer(
      { architecture: c.architecture, dIn: data.d, dSae: c.dSae },
      { params: freshSaeParams(c, data.d, center, data.scale) },
    ),
  );
}

/** Records when each member reported steps `from` − 1 and `to` − 1: the span of steps [from, to) as wall time. */
class StepClock {
  private readonly start = new Map<number, number>();
  private readonly end = new Map<number, number>();
  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {}
  mark(id: number, step: number): void {
    if (step === this.from - 1) this.start.set(id, performance.now());
    if (step === this.to - 1) this.end.set(id, performance.now());
  }
  /** Sweep: from the last member's step from − 1 to the last member's step to − 1 (members step in one tick). */
  sweepMs(): number {
    return Math.max(...this.end.values()) - Math.max(...this.start.values());
  }
  /** Sequential: each member's own span, summed. */
  sequentialMs(): number {
    let ms = 0;
    for (const [id, t] of this.end) ms += t - this.start.get(id)!;
    return ms;
  }
}

/** `warmup` untimed steps per member each way, then `timed` steady-state steps. */
export async function benchSweep(
  engine: Engine,
  a: BenchArgs,
  sizes: readonly (4 | 16)[],
  { warmup, timed }: { warmup: number; timed: number },
) {
  const { sweepB: B, sweepD: d, sweepM: m, sweepK: k } = a;
  const data = benchData(16 * B, d);
  // One step past the timed ones: the last step's full held-out evaluation falls outside the timed span.
  const steps = warmup + timed + 1;
  const base: SaeConfig = {
    ...DEFAULT_SAE_CONFIG,
    dSae: m,
    k,
    batchSize: B,
    steps,
    evalEvery: 1e9,
    heldOutFraction: 0.1,
    normalize: false,
  };
  const runs = [];
  for (const n of sizes) {
    const configs = saeGridMembers(base, gridOf(n, k)).map((g) => g.config);
    const loadAtStart = loadavg().map((v) => round(v, 3));
    // The sweep: one stream, every member steps on each batch.
    const sweepClock = new StepClock(warmup, warmup + timed);
    const sweepTrainers = trainersFor(engine, configs, data);
    const { batches } = await sweepLoop(
      configs.map((config, id) => ({ id, config, trainer: sweepTrainers[id], data })),
      {
        cancelled: () => false,
        takeAdded: async () => [],
        stopRequested: () => false,
        onStep: (id, r) => sweepClock.mark(id, r.step),
        onMemberEnd: async () => {},
      },
    );
    for (const t of sweepTrainers) t.dispose();
    // The same members as single runs, one after another, each warming up before its timed steps.
    const seqClock = new StepClock(warmup, warmup + timed);
    const seqTrainers = trainersFor(engine, configs, data);
    for (const [id, config] of configs.entries())
      await trainLoop(seqTrainers[id], data, {
        config: () => config,
        cancelled: () => false,
        onStep: (r) => seqClock.mark(id, r.step),
      });
    for (const t of seqTrainers) t.dispose();
    const sweepMs = sweepClock.sweepMs(),
      seqMs = seqClock.sequentialMs();
    runs.push({
      members: n,
      warmupSteps: warmup,
      timedSteps: timed,
      batches,
      sweepMs: round(sweepMs, 4),
      sequentialMs: round(seqMs, 4),
      // Each member's timed rows over the wall time the whole grid took for them (what a user waits for).
      samplesPerSecPerMember: {
        sweep: round((timed * B * 1000) / sweepMs, 4),
        sequential: round((timed * B * 1000) / seqMs, 4),
      },
      ratio: round(seqMs / sweepMs, 4),
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
