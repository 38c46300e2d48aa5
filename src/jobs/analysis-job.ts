// Worker-side runners for the analysis views: anomaly detectors, concept erasure with its retrained-
// probe check, distribution fits, PCA and weight SVD. Each takes a plain serialisable spec and returns a plain
// result (typed arrays, transferable); heavy reductions go through the engine, f64 closed forms stay on the host.

import { columnStats } from '../core/stats/column-stats';
import type { Engine } from '../core/engine/engine';
import { encodeNamedLabels } from '../core/labels/encode-labels';
import { DataFileError } from '../core/formats/errors';
import { createRng, shuffleInPlace } from '../core/math/rng';
import { fitStandardization, standardizeRows } from '../core/math/standardize';
import { DEFAULT_LOGISTIC, trainLogisticProbe } from '../core/probes/logistic';
import { covarianceStats, mahalanobisScoresOn } from '../core/detect/engine-stats';
import { fitMahalanobis } from '../core/detect/mahalanobis';
import { knnDetectorScores } from '../core/detect/knn-engine';
import { DEFAULT_PROBE_RANGE, fitProbeRange, probeRangeScores } from '../core/detect/probe-range';
import { combineLayerScores } from '../core/detect/combine-layers';
import { detectorMetrics } from '../core/detect/detector-metrics';
import { crossCovariance, conceptColumns } from '../core/erasure/cross-covariance';
import { fitLeace } from '../core/erasure/leace';
import { meanDifferenceEraser, probeDirectionEraser } from '../core/erasure/comparison-erasers';
import { majorityRate, meanSquaredEdit, retrainOnErased, type ErasureCheckRow } from '../core/erasure/erasure-check';
import { eraserToJson } from '../core/erasure/eraser-export';
import { applyEraser } from '../core/erasure/linear-eraser';
import { fitDistributions } from '../core/dist/distribution-fits';
import { fitPca, projectRows } from '../core/project/pca';
import { weightSvd } from '../core/project/weight-svd';
import type { DatasetStore } from './dataset-store';
import { resolveSplit } from './resolve-data';
import type {
  AnalysisResult,
  AnalysisSpec,
  ArrayRef,
  DetectorLayerResult,
  DetectorResult,
  DetectorSpec,
  ErasureResult,
  ErasureSpec,
  PcaResult,
  PcaSpec,
  SvdResult,
  SvdSpec,
} from '../protocol';

export interface AnalysisHooks {
  isCancelled: () => boolean;
  /** Human-readable stage ("fitting layer 2 of 6"), for a progress line. */
  onStage?: (message: string) => void;
}

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
      return { kind: 'distribution', fits: fitDistributions(spec.values, spec.seed), n: spec.values.length };
    case 'pca':
      return runPca(engine, store, spec);
    case 'svd':
      return runSvd(store, spec);
    case 'stats': {
      const m = await store.matrix(spec.activations);
      return { kind: 'stats', ...columnStats(m.data, m.rows, m.cols), droppedRows: m.droppedRows?.length ?? 0 };
    }
  }
}

/** Buffers to transfer (not clone) when posting a result. */
export function resultTransferables(result: AnalysisResult): Transferable[] {
  const out: Transferable[] = [];
  const visit = (v: unknown) => {
    if (ArrayBuffer.isView(v)) {
      if (!out.includes(v.buffer as ArrayBuffer)) out.push(v.buffer as ArrayBuffer);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(result);
  return out;
}

async function codesFor(store: DatasetStore, ref: ArrayRef, rows: number, against: string, classNames?: string[]) {
  const values = await store.labels(ref);
  if (values.values.length !== rows) {
    throw new DataFileError(
      store.fileName(ref.fileId),
      `labels have ${values.values.length} rows but ${against} has ${rows}; they cannot be paired`,
      { key: ref.key || undefined },
    );
  }
  return encodeNamedLabels(values.values as ArrayLike<number> | string[], classNames);
}

async function runDetector(
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
      ? await codesFor(
          store,
          requireRef(spec.probeLabels, 'probe-range needs probe labels'),
          first.rows,
          'the activations',
        )
      : null;

  const layers: DetectorLayerResult[] = [];
  const references: Float64Array[] = [];
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
    let testScores: Float64Array;
    let reference: Float64Array;
    let shrinkage: number | null = null;
    if (spec.method === 'mahalanobis') {
      const model = fitMahalanobis(await covarianceStats(engine, x, m.cols, trusted), spec.estimator);
      shrinkage = spec.estimator === 'ledoit-wolf' ? model.shrinkage : null;
      testScores = await mahalanobisScoresOn(engine, model, x, split.test);
      reference = await mahalanobisScoresOn(engine, model, x, trusted);
    } else if (spec.method === 'knn-cosine') {
      ({ query: testScores, trusted: reference } = await knnDetectorScores(
        engine,
        x,
        m.cols,
        trusted,
        split.test,
        spec.k,
      ));
    } else {
      const codes = probeCodes!;
      const probe = await trainLogisticProbe(
        engine,
        { x, rows: m.rows, cols: m.cols, labels: codes.codes, classes: codes.classes },
        { train: trusted, test: split.test },
        { ...DEFAULT_LOGISTIC },
        { cancelled: hooks.isCancelled },
      );
      const logits = probeLogits(x, m.cols, probe.probe.weights, probe.probe.intercept[0], probe.probe.standardization);
      const range = fitProbeRange(
        Array.from(trusted, (r) => logits[r]),
        DEFAULT_PROBE_RANGE,
      );
      testScores = probeRangeScores(
        range,
        Array.from(split.test, (r) => logits[r]),
      );
      reference = probeRangeScores(
        range,
        Array.from(trusted, (r) => logits[r]),
      );
    }
    const testUntrusted = Array.from(split.test, (r) => isUntrusted[r]);
    layers.push({ name: layer.name, metrics: detectorMetrics(testScores, testUntrusted), shrinkage, testScores });
    references.push(reference);
  }
  const testUntrusted = Uint8Array.from(split.test, (r) => isUntrusted[r]);
  let combined: DetectorResult['combined'] = null;
  if (layers.length > 1) {
    const scores = combineLayerScores(layers.map((l, i) => ({ reference: references[i], scores: l.testScores })));
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

/** Binary probe logit per row (first output for K > 2) in the probe's standardized space. */
function probeLogits(
  x: Float32Array,
  d: number,
  w: Float64Array,
  b: number,
  s: { mean: Float64Array; scale: Float64Array },
): Float64Array {
  const n = x.length / d;
  const outputs = w.length / d;
  return Float64Array.from({ length: n }, (_, r) => {
    let z = b;
    for (let j = 0; j < d; j++) z += ((x[r * d + j] - s.mean[j]) / s.scale[j]) * w[j * outputs];
    return z;
  });
}

async function runErasure(
  engine: Engine,
  store: DatasetStore,
  spec: ErasureSpec,
  hooks: AnalysisHooks,
): Promise<ErasureResult | null> {
  const started = performance.now();
  const m = await store.matrix(spec.activations);
  let { codes, classes } = await codesFor(
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

/** Applies an exported eraser to another loaded matrix (same D), e.g. to erase a second file. */
export async function eraseMatrix(
  store: DatasetStore,
  ref: ArrayRef,
  eraser: Parameters<typeof applyEraser>[0],
): Promise<Float32Array> {
  const m = await store.matrix(ref);
  return applyEraser(eraser, m.data, m.cols);
}

async function runPca(engine: Engine, store: DatasetStore, spec: PcaSpec): Promise<PcaResult> {
  const m = await store.matrix(spec.activations);
  const all = Int32Array.from({ length: m.rows }, (_, i) => i);
  const x = spec.standardize ? standardizeRows(m.data, m.cols, all, fitStandardization(m.data, m.cols, all)) : m.data;
  const pca = fitPca(await covarianceStats(engine, x, m.cols, all), Math.min(spec.components, m.cols));
  let rowIndex = all;
  if (m.rows > spec.maxPoints) {
    const shuffled = Int32Array.from(all);
    shuffleInPlace(shuffled, createRng(spec.seed));
    rowIndex = shuffled.slice(0, spec.maxPoints).sort();
  }
  const { xs, ys } = projectRows(pca, x, rowIndex, spec.pair[0], spec.pair[1]);
  // Hover texts and colours are row-aligned sources: they pair only when they have a value per activation row.
  let rowText: string[] | undefined;
  if (spec.metadata) {
    const meta = await store.labels(spec.metadata);
    if (meta.values.length !== m.rows)
      throw new DataFileError(
        store.fileName(spec.metadata.fileId),
        `hover texts have ${meta.values.length} rows but the activations have ${m.rows}; they cannot be paired`,
        { key: spec.metadata.key || undefined },
      );
    rowText = Array.from(rowIndex, (r) => String(meta.values[r] ?? ''));
  }
  let rowLabel: string[] | undefined;
  let classes: string[] | undefined;
  if (spec.labels) {
    const named = await codesFor(store, spec.labels, m.rows, 'the activations', spec.classNames);
    classes = named.classes;
    rowLabel = Array.from(rowIndex, (r) => named.classes[named.codes[r]]);
  }
  return {
    kind: 'pca',
    explainedVarianceRatio: pca.explainedVarianceRatio,
    singularValues: pca.singularValues,
    xs,
    ys,
    rowIndex,
    rowText,
    rowLabel,
    classes,
    totalRows: m.rows,
    sampled: rowIndex.length < m.rows,
  };
}

async function runSvd(store: DatasetStore, spec: SvdSpec): Promise<SvdResult> {
  let rows: number, cols: number, values: ArrayLike<number>;
  if ('fileId' in spec.weights) {
    const m = await store.matrix(spec.weights);
    ({ rows, cols } = m);
    values = m.data;
  } else {
    ({ rows, cols, values } = spec.weights);
  }
  const svd = weightSvd(values, rows, cols, spec.k);
  return { kind: 'svd', ...svd };
}

function requireRef(ref: ArrayRef | undefined, message: string): ArrayRef {
  if (!ref) throw new Error(message);
  return ref;
}
