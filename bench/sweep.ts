// An N-member SAE sweep (one job, members stepping on one shared batch stream) against the same N configs as N
// sequential single runs, same engine and data in the same process: member-samples per second each way and their
// ratio (> 1: the sweep trains its members faster than one after another). Both include each member's summary.
import type { Engine } from '../src/core/engine/engine';
import { DEFAULT_SAE_CONFIG, type SaeConfig } from '../src/core/sae/config';
import { saeGridMembers } from '../src/core/sweep/sae-grid';
import type { SweepAxis } from '../src/core/sweep/grid';
import { DatasetStore } from '../src/jobs/dataset-store';
import { runSaeTrainJob } from '../src/jobs/sae-job';
import { runSaeSweepJob } from '../src/jobs/sae-sweep-job';
import { bytesSource } from '../src/core/formats/byte-source';
import { writeNpyF32 } from '../src/core/formats/npy-writer';
import type { BenchArgs } from './args';
import { randomF32, round } from './timing';

/** N = 4: k over 4 values; N = 16: k × lr, 4 × 4 (one seed: every member shares the stream). */
function gridOf(n: 4 | 16, k: number): SweepAxis[] {
  const ks = [k, 2 * k, 3 * k, 4 * k];
  return n === 4
    ? [{ name: 'k', values: ks }]
    : [
        { name: 'k', values: ks },
        { name: 'lr', values: [1e-3, 2e-3, 3e-3, 4e-3] },
      ];
}

export async function benchSweep(engine: Engine, a: BenchArgs, sizes: readonly (4 | 16)[]) {
  const { B, d, m, k } = a;
  const rows = 8 * B;
  const store = new DatasetStore();
  await store.open(
    'acts.npy',
    bytesSource('acts.npy', writeNpyF32(randomF32(rows * d, 11), [rows, d]) as Uint8Array<ArrayBuffer>),
  );
  const activations = { fileId: 'acts.npy', key: '' };
  const steps = Math.max(4, a.steps * 4);
  const base: SaeConfig = {
    ...DEFAULT_SAE_CONFIG,
    dSae: m,
    k,
    batchSize: B,
    steps,
    evalEvery: steps,
    heldOutFraction: 0.1,
  };
  const quiet = { onStart: () => {}, onProgress: () => {}, isCancelled: () => false };
  // One untimed run first: the engine's first use (tfjs kernels, shader pipelines) would otherwise be charged to
  // whichever side runs first.
  await runSaeTrainJob({ engine }, store, { activations, transform: 'none', config: base }, quiet);
  const out = [];
  for (const n of sizes) {
    const axes = gridOf(n, k);
    let t0 = performance.now();
    const sweep = await runSaeSweepJob(
      { engine },
      store,
      { activations, transform: 'none', base, axes },
      { ...quiet, onMemberEnd: () => {} },
    );
    const sweepMs = performance.now() - t0;
    t0 = performance.now();
    for (const g of saeGridMembers(base, axes))
      await runSaeTrainJob({ engine }, store, { activations, transform: 'none', config: g.config }, quiet);
    const seqMs = performance.now() - t0;
    out.push({
      members: n,
      steps,
      batches: sweep!.batches,
      sweepMs: round(sweepMs, 1),
      sequentialMs: round(seqMs, 1),
      // Per member over the wall time of the whole grid (what a user waits for): each member's steps·B rows.
      samplesPerSecPerMember: {
        sweep: round((steps * B * 1000) / sweepMs, 1),
        sequential: round((steps * B * 1000) / seqMs, 1),
      },
      ratio: round(seqMs / sweepMs, 3),
    });
  }
  return { implementation: engine.info.implementation, adapter: engine.info.adapter, B, d, m, k, runs: out };
}
