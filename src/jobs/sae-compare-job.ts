// Two SAEs on the same activation rows, each through the encode job (the engine's encode, reconstructions on the
// host, any per-row input normalisation of an imported SAE applied and undone), their metric sums in f64 in the
// activations' own units, then the comparison of core/sae/compare.
import type { Engine } from '../core/engine/engine';
import { compareSaes, sideStats, type SaeComparison } from '../core/sae/compare';
import { addSums, batchSums, emptySums } from '../core/sae/metrics';
import type { SaeWeights } from '../core/sae/params';
import type { ArrayRef } from '../protocol';
import type { DatasetStore } from './dataset-store';
import { runSaeEncodeJob } from './sae-encode-job';

export interface NamedSae {
  name: string;
  weights: SaeWeights;
}

async function sumsOn(engine: Engine, store: DatasetStore, activations: ArrayRef, w: SaeWeights) {
  const total = emptySums(w.dIn, w.dSae);
  let x: Float32Array | undefined;
  let codes: Float32Array | undefined;
  await runSaeEncodeJob(engine, store, activations, w, {
    begin: async () => {},
    inputs: async (block) => void (x = block),
    codes: async (block) => void (codes = block),
    reconstructions: async (recon, rows) => void addSums(total, batchSums(x!, recon, codes!, rows, w.dIn, w.dSae)),
  });
  return total;
}

export async function runSaeCompareJob(
  engine: Engine,
  store: DatasetStore,
  activations: ArrayRef,
  a: NamedSae,
  b: NamedSae,
): Promise<SaeComparison> {
  if (a.weights.dIn !== b.weights.dIn)
    throw new Error(
      `the two SAEs read different widths: d_in ${a.weights.dIn} (${a.name}) and ${b.weights.dIn} (${b.name})`,
    );
  const sa = await sumsOn(engine, store, activations, a.weights);
  const sb = await sumsOn(engine, store, activations, b.weights);
  return compareSaes(
    { stats: sideStats(a.name, sa), wDec: a.weights.wDec },
    { stats: sideStats(b.name, sb), wDec: b.weights.wDec },
    a.weights.dIn,
  );
}
