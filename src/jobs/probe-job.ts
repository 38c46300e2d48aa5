// A probe training job as the worker runs it: resolve the chosen arrays, pair and validate them, split,
// train on the engine, and report progress points and a result summary.

import type { Engine } from '../core/engine/engine';
import { trainLogisticProbe, type ProbeProgress } from '../core/probes/logistic';
import type { DatasetStore } from './dataset-store';
import { resolveLabelledData } from './resolve-data';
import { LOGISTIC_PROGRESS_FIELDS, packProgress, type JobSpec, type ProbeResultSummary } from '../protocol';
import type { JobHooks } from './job-hooks';

export async function runProbeJob(
  engine: Engine,
  store: DatasetStore,
  spec: Extract<JobSpec, { method: 'logistic' }>,
  hooks: JobHooks,
): Promise<ProbeResultSummary | null> {
  const { x, codes, classes, split } = await resolveLabelledData(store, spec.data);
  hooks.onStart({
    method: 'logistic',
    fields: [...LOGISTIC_PROGRESS_FIELDS],
    trainRows: split.train.length,
    testRows: split.test.length,
    classes,
  });
  if (hooks.isCancelled()) return null;

  const started = performance.now();
  const result = await trainLogisticProbe(
    engine,
    { x: x.data, rows: x.rows, cols: x.cols, labels: codes, classes },
    split,
    spec.config,
    {
      cancelled: hooks.isCancelled,
      onProgress: (p: ProbeProgress) =>
        hooks.onProgress(
          packProgress(LOGISTIC_PROGRESS_FIELDS, {
            iteration: p.iteration,
            objective: p.objective,
            gradMax: p.gradMax,
            trainLoss: p.train.logLoss,
            testLoss: p.test.logLoss,
            trainAccuracy: p.train.accuracy,
            testAccuracy: p.test.accuracy,
            trainAuroc: p.train.auroc,
            testAuroc: p.test.auroc,
          }),
        ),
    },
  );
  if (hooks.isCancelled() && result.reason === 'stopped') return null;
  return {
    method: 'logistic',
    classes,
    outputs: result.probe.outputs,
    cols: x.cols,
    weights: result.probe.weights,
    intercept: result.probe.intercept,
    mean: result.probe.standardization.mean,
    scale: result.probe.standardization.scale,
    train: result.train,
    test: result.test,
    iterations: result.iterations,
    reason: result.reason,
    divergedAt: result.divergedAt,
    gradMax: result.gradMax,
    lambdaMeanLoss: result.probe.lambdaMeanLoss,
    elapsedMs: performance.now() - started,
    trainRows: split.train.length,
    testRows: split.test.length,
    trainIdx: split.train,
    testIdx: split.test,
  };
}
