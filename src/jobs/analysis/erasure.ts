// The concept-erasure job: LEACE, mean-difference ablation and probe-direction projection fitted on the training
// rows, each checked by retraining the logistic probe on erased data against the majority-class rate.

import type { Engine } from '../../core/engine/engine';
import { trainLogisticProbe } from '../../core/probes/logistic';
import { covarianceStats } from '../../core/detect/engine-stats';
import { crossCovariance, conceptColumns } from '../../core/erasure/cross-covariance';
import { fitLeace } from '../../core/erasure/leace';
import { meanDifferenceEraser, probeDirectionEraser } from '../../core/erasure/comparison-erasers';
import { majorityRate, meanSquaredEdit, retrainOnErased, type ErasureCheckRow } from '../../core/erasure/erasure-check';
import { eraserToJson } from '../../core/erasure/eraser-export';
import type { ErasureResult, ErasureSpec } from '../../protocol';
import type { DatasetStore } from '../dataset-store';
import type { AnalysisHooks } from '../job-hooks';
import { resolveSplit } from '../resolve-data';
import { labelCodes } from './label-codes';

export async function runErasure(
  engine: Engine,
  store: DatasetStore,
  spec: ErasureSpec,
  hooks: AnalysisHooks,
): Promise<ErasureResult | null> {
  const started = performance.now();
  const m = await store.matrix(spec.activations);
  let { codes, classes } = await labelCodes(
    store,
    spec.labels,
    m.rows,
    store.fileName(spec.activations.fileId),
    spec.classNames,
  );
  if (spec.positiveClass !== undefined) {
    const positive = classes.indexOf(spec.positiveClass);
    if (positive < 0) throw new Error(`class '${spec.positiveClass}' is not among the labels (${classes.join(', ')})`);
    codes = Int32Array.from(codes, (c) => (c === positive ? 1 : 0));
    classes = [`not ${spec.positiveClass}`, spec.positiveClass];
  }
  const split = await resolveSplit(store, spec.split, m.rows, codes);
  const data = { x: m.data, rows: m.rows, cols: m.cols, labels: codes, classes };
  hooks.onStage?.('fitting erasers on the training rows');
  const stats = await covarianceStats(engine, m.data, m.cols, split.train);
  const sigmaXZ = crossCovariance(m.data, m.cols, split.train, codes, classes.length, stats.mean);
  const leace = fitLeace(stats, sigmaXZ, conceptColumns(classes.length), { shrinkage: spec.shrinkage });
  const meanDiff = meanDifferenceEraser(stats, sigmaXZ, classes.length);
  const checks: ErasureCheckRow[] = [];
  hooks.onStage?.('probe on the original activations');
  const original = await trainLogisticProbe(engine, data, split, spec.probe, { cancelled: hooks.isCancelled });
  if (hooks.isCancelled()) return null;
  const probeDir = probeDirectionEraser(
    stats.mean,
    original.probe.weights,
    original.probe.outputs,
    original.probe.standardization.scale,
  );
  checks.push(await retrainOnErased(engine, data, split, null, spec.probe, hooks.isCancelled));
  for (const eraser of [leace, meanDiff, probeDir]) {
    if (hooks.isCancelled()) return null;
    hooks.onStage?.(`probe after ${eraser.method}`);
    checks.push(await retrainOnErased(engine, data, split, eraser, spec.probe, hooks.isCancelled));
  }
  return {
    kind: 'erasure',
    classes,
    majorityRate: majorityRate(codes, split, classes.length),
    checks,
    edits: [leace, meanDiff, probeDir].map((e) => meanSquaredEdit(e, m.data, m.cols, split.train)),
    leace: eraserToJson(leace),
    elapsedMs: performance.now() - started,
  };
}
