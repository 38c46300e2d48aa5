// The anomaly-detector job: per layer, a detector fitted on the trusted TRAINING rows (Mahalanobis, kNN cosine or
// a probe's trusted range) scores the held-out rows; with several layers, each layer's scores are standardized by
// its trusted training rows' scores and summed. Every metric is on held-out rows only.

import type { Engine } from '../../core/engine/engine';
import { DataFileError } from '../../core/formats/errors';
import { fitStandardization, standardizeRows } from '../../core/math/standardize';
import { DEFAULT_LOGISTIC, trainLogisticProbe } from '../../core/probes/logistic';
import { applyProbe, fromLogisticProbe } from '../../core/probes/linear-probe';
import { covarianceStats, mahalanobisScoresOn } from '../../core/detect/engine-stats';
import { fitMahalanobis } from '../../core/detect/mahalanobis';
import { knnDetectorScores } from '../../core/detect/knn-engine';
import { DEFAULT_PROBE_RANGE, fitProbeRange, probeRangeScores } from '../../core/detect/probe-range';
import { combineLayerScores, fitScoreStandardization } from '../../core/detect/combine-layers';
import { detectorMetrics } from '../../core/detect/detector-metrics';
import type { DetectorLayerResult, DetectorResult, DetectorSpec } from '../../protocol';
import type { DatasetStore } from '../dataset-store';
import type { AnalysisHooks } from '../job-hooks';
import { resolveSplit } from '../resolve-data';
import { labelCodes } from './label-codes';

/** One layer's detector scores: on the held-out rows, and on the trusted training rows it was fitted on. */
interface LayerScoring {
  test: Float64Array;
  trustedTrain: Float64Array;
  shrinkage: number | null;
}

export async function runDetector(
  engine: Engine,
  store: DatasetStore,
  spec: DetectorSpec,
  hooks: AnalysisHooks,
): Promise<DetectorResult | null> {
  const started = performance.now();
  if (spec.layers.length === 0) throw new Error('choose at least one layer to score');
  const first = await store.matrix(spec.layers[0].activations);
  const untrustedValues = (await store.labels(spec.untrusted)).values;
  if (untrustedValues.length !== first.rows) {
    throw new DataFileError(
      store.fileName(spec.untrusted.fileId),
      `trusted/untrusted labels have ${untrustedValues.length} rows; the activations have ${first.rows}`,
    );
  }
  const isUntrusted = Uint8Array.from(untrustedValues as ArrayLike<number | string>, (v) =>
    v === 0 || v === '0' || v === 'trusted' ? 0 : 1,
  );
  const split = await resolveSplit(store, spec.split, first.rows, Int32Array.from(isUntrusted));
  const trusted = split.train.filter((r) => isUntrusted[r] === 0);
  if (trusted.length < 2) throw new Error(`the training rows hold ${trusted.length} trusted rows; need at least 2`);
  const probeCodes =
    spec.method === 'probe-range'
      ? await labelCodes(store, requireRef(spec.probeLabels), first.rows, 'the activations')
      : null;

  const testUntrusted = Uint8Array.from(split.test, (r) => isUntrusted[r]);
  const layers: DetectorLayerResult[] = [];
  for (const [l, layer] of spec.layers.entries()) {
    if (hooks.isCancelled()) return null;
    hooks.onStage?.(`scoring layer ${l + 1} of ${spec.layers.length} (${layer.name})`);
    const m = l === 0 ? first : await store.matrix(layer.activations);
    if (m.rows !== first.rows)
      throw new Error(`layer ${layer.name} has ${m.rows} rows; layer ${spec.layers[0].name} has ${first.rows}`);
    const all = Int32Array.from({ length: m.rows }, (_, i) => i);
    const x = spec.standardize
      ? standardizeRows(m.data, m.cols, all, fitStandardization(m.data, m.cols, trusted))
      : m.data;
    const s = await scoreLayer(engine, spec, x, m.rows, m.cols, trusted, split.test, probeCodes, hooks);
    layers.push({
      name: layer.name,
      metrics: detectorMetrics(s.test, testUntrusted),
      shrinkage: s.shrinkage,
      testScores: s.test,
      trainStandardization: fitScoreStandardization(s.trustedTrain),
    });
  }
  let combined: DetectorResult['combined'] = null;
  if (layers.length > 1) {
    const scores = combineLayerScores(
      layers.map((l) => ({ standardization: l.trainStandardization, scores: l.testScores })),
    );
    combined = { metrics: detectorMetrics(scores, testUntrusted), testScores: scores };
  }
  return {
    kind: 'detector',
    method: spec.method,
    layers,
    combined,
    testUntrusted,
    trustedTrainRows: trusted.length,
    testRows: split.test.length,
    elapsedMs: performance.now() - started,
  };
}

async function scoreLayer(
  engine: Engine,
  spec: DetectorSpec,
  x: Float32Array,
  rows: number,
  cols: number,
  trusted: Int32Array,
  test: Int32Array,
  probeCodes: { codes: Int32Array; classes: string[] } | null,
  hooks: AnalysisHooks,
): Promise<LayerScoring> {
  if (spec.method === 'mahalanobis') {
    const model = fitMahalanobis(await covarianceStats(engine, x, cols, trusted), spec.estimator);
    return {
      test: await mahalanobisScoresOn(engine, model, x, test),
      trustedTrain: await mahalanobisScoresOn(engine, model, x, trusted),
      shrinkage: spec.estimator === 'ledoit-wolf' ? model.shrinkage : null,
    };
  }
  if (spec.method === 'knn-cosine') {
    // The trusted rows are scored leave-one-out (each skips itself among its neighbours).
    const { query, trusted: trustedTrain } = await knnDetectorScores(engine, x, cols, trusted, test, spec.k);
    return { test: query, trustedTrain, shrinkage: null };
  }
  const codes = probeCodes!;
  const trained = await trainLogisticProbe(
    engine,
    { x, rows, cols, labels: codes.codes, classes: codes.classes },
    { train: trusted, test },
    { ...DEFAULT_LOGISTIC },
    { cancelled: hooks.isCancelled },
  );
  const probe = fromLogisticProbe(trained.probe);
  // The first output's logit (the binary logit, or class 0's score for K > 2).
  const logits = (rowsOf: Int32Array) => {
    const z = applyProbe(probe, x, cols, rowsOf);
    return Float64Array.from(rowsOf, (_, i) => z[i * probe.outputs]);
  };
  const trustedLogits = logits(trusted);
  const range = fitProbeRange(trustedLogits, DEFAULT_PROBE_RANGE);
  return {
    test: probeRangeScores(range, logits(test)),
    trustedTrain: probeRangeScores(range, trustedLogits),
    shrinkage: null,
  };
}

function requireRef<T>(ref: T | undefined): T {
  if (!ref) throw new Error('probe-range needs probe labels');
  return ref;
}
