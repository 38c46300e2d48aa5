// A probe training job as the worker runs it: resolve the chosen arrays, pair and validate them, split,
// train on the engine, and report progress points and a result summary.

import type { Engine } from '../engine/engine';
import { encodeLabels } from '../core/labels';
import { trainLogisticProbe, type ProbeProgress } from '../core/probes/logistic';
import { makeSplit, type Split } from '../core/split';
import { DataFileError } from '../core/formats/errors';
import type { DatasetStore, LabelValues } from './dataset-store';
import { LOGISTIC_PROGRESS_FIELDS, packProgress, type JobSpec, type LabelledDataRefs, type ProbeResultSummary } from '../protocol';
import type { JobHooks } from './job-hooks';
import type { Matrix } from './dataset-store';

export interface LabelledData {
  x: Matrix;
  codes: Int32Array;
  classes: string[];
  split: Split;
}

/** Resolves activations, labels and split for a supervised method; checks that they pair. */
export async function resolveLabelledData(store: DatasetStore, refs: LabelledDataRefs): Promise<LabelledData> {
  const x = await store.matrix(refs.activations);
  const labelValues = await store.labels(refs.labels);
  if (labelValues.values.length !== x.rows) {
    throw new DataFileError(store.fileName(refs.labels.fileId),
      `labels have ${labelValues.values.length} rows but the activations (${store.fileName(refs.activations.fileId)}) have ${x.rows}; they cannot be paired`,
      { key: refs.labels.key || undefined });
  }
  const { codes, classes } = encodeWithNames(labelValues, refs.classNames);
  const split: Split = refs.split.kind === 'file'
    ? makeSplit({ kind: 'explicit', ...store.split(refs.split.fileId) }, x.rows)
    : makeSplit(refs.split, x.rows, codes);
  return { x, codes, classes, split };
}

export async function runProbeJob(
  engine: Engine, store: DatasetStore, spec: Extract<JobSpec, { method: 'logistic' }>, hooks: JobHooks,
): Promise<ProbeResultSummary | null> {
  const { x, codes, classes, split } = await resolveLabelledData(store, spec.data);
  hooks.onStart({
    method: 'logistic', fields: [...LOGISTIC_PROGRESS_FIELDS], trainRows: split.train.length, testRows: split.test.length, classes,
  });
  if (hooks.isCancelled()) return null;

  const started = performance.now();
  const result = await trainLogisticProbe(engine, { x: x.data, rows: x.rows, cols: x.cols, labels: codes, classes }, split, spec.config, {
    cancelled: hooks.isCancelled,
    onProgress: (p: ProbeProgress) => hooks.onProgress(packProgress(LOGISTIC_PROGRESS_FIELDS, {
      iteration: p.iteration, objective: p.objective, gradMax: p.gradMax,
      trainLoss: p.train.logLoss, testLoss: p.test.logLoss,
      trainAccuracy: p.train.accuracy, testAccuracy: p.test.accuracy,
      trainAuroc: p.train.auroc, testAuroc: p.test.auroc,
    })),
  });
  if (hooks.isCancelled() && result.reason === 'stopped') return null;
  return {
    method: 'logistic', classes, outputs: result.probe.outputs, cols: x.cols,
    weights: result.probe.weights, intercept: result.probe.intercept,
    mean: result.probe.standardization.mean, scale: result.probe.standardization.scale,
    train: result.train, test: result.test, iterations: result.iterations, reason: result.reason, divergedAt: result.divergedAt,
    gradMax: result.gradMax, lambdaMeanLoss: result.probe.lambdaMeanLoss,
    elapsedMs: performance.now() - started, trainRows: split.train.length, testRows: split.test.length,
  };
}

/** Integer label codes 0..K−1 take names from a class list when one is given (e.g. lande's languages). */
function encodeWithNames(labels: LabelValues, classNames?: string[]) {
  const encoded = encodeLabels(labels.values as ArrayLike<number> | string[]);
  if (!classNames || labels.kind !== 'numeric') return encoded;
  const named = encoded.classes.map((c) => {
    const i = Number(c);
    return Number.isInteger(i) && i >= 0 && i < classNames.length ? classNames[i] : c;
  });
  return { codes: encoded.codes, classes: named };
}
