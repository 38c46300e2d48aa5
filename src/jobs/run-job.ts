// Dispatches a job spec to its method's runner; the one switch the worker needs.
import type { Engine } from '../engine/engine';
import { assertNever, type JobResult, type JobSpec } from '../protocol';
import type { DatasetStore } from './dataset-store';
import type { JobHooks } from './job-hooks';
import { runProbeJob } from './probe-job';
import { runAnalysisJob } from './analysis-job';

export async function runJob(engine: Engine, store: DatasetStore, spec: JobSpec, hooks: JobHooks): Promise<JobResult | null> {
  switch (spec.method) {
    case 'logistic': return runProbeJob(engine, store, spec, hooks);
    case 'analysis': {
      hooks.onStart({ method: 'analysis', fields: [], trainRows: 0, testRows: 0, classes: [] });
      const result = await runAnalysisJob(engine, store, spec.analysis, { isCancelled: hooks.isCancelled, onStage: hooks.onStage });
      return result ? { method: 'analysis', result } : null;
    }
    default: return assertNever(spec);
  }
}
