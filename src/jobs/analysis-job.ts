// Dispatches an analysis spec to its runner (src/jobs/analysis/: detector, erasure, PCA, weight SVD, dataset
// statistics, distribution fits). Each takes a plain serialisable spec and returns a plain result (typed arrays,
// transferable); heavy reductions go through the engine, f64 closed forms stay on the host.

import type { Engine } from '../core/engine/engine';
import { assertNever, type AnalysisResult, type AnalysisSpec } from '../protocol';
import type { DatasetStore } from './dataset-store';
import type { AnalysisHooks } from './job-hooks';
import { runDetector } from './analysis/detector';
import { runErasure } from './analysis/erasure';
import { runDistribution } from './analysis/distribution';
import { runPca } from './analysis/pca';
import { runStats } from './analysis/stats';
import { runSvd } from './analysis/svd';

/** Runs one analysis; null when cancelled between stages. */
export async function runAnalysisJob(
  engine: Engine,
  store: DatasetStore,
  spec: AnalysisSpec,
  hooks: AnalysisHooks,
): Promise<AnalysisResult | null> {
  switch (spec.kind) {
    case 'detector':
      return runDetector(engine, store, spec, hooks);
    case 'erasure':
      return runErasure(engine, store, spec, hooks);
    case 'distribution':
      return runDistribution(spec);
    case 'pca':
      return runPca(engine, store, spec);
    case 'svd':
      return runSvd(store, spec);
    case 'stats':
      return runStats(store, spec);
    default:
      return assertNever(spec);
  }
}
