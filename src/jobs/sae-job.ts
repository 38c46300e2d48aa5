// Sparse-autoencoder jobs as the worker runs them: train (with live hyperparameter edits that continue or
// restart), or evaluate an imported dictionary; both end in the same summary (held-out metrics, densities,
// feature browser, sanity-baseline counts, MMCS against planted features, a SAELens export).
import type { Engine } from '../core/engine/engine';
import {
  CHECKPOINT_VERSION,
  decodeCheckpoint,
  DEFAULT_CHECKPOINT_POLICY,
  type SaeCheckpoint,
} from '../core/sae/checkpoint';
import { rulesOf } from '../core/sae/architecture';
import { changeEffect, resolvedLr, validateSaeConfig, type ChangeEffect, type SaeConfig } from '../core/sae/config';
import { encodeNamedLabels } from '../core/labels/encode-labels';
import { makeSplit, type Split } from '../core/split/split';
import { createRng, sampleRows } from '../core/math/rng';
import { shuffleColumns, frequentLatents, liveLatents } from '../core/sae/baselines';
import { addCodes, addToHistograms, decoderNeighbours, emptyFeatureStats, labelMix } from '../core/sae/feature-stats';
import { geometricMedian, rowMean } from '../core/sae/geometric-median';
import { densityHistogram } from '../core/sae/histograms';
import { autoRange, histogram } from '../core/stats/histogram';
import { initSaeParams } from '../core/sae/init';
import { exportSaeLens } from '../core/sae/layouts';
import { finalizeSums } from '../core/sae/metrics';
import { mmcs } from '../core/sae/mmcs';
import { foldScale, normalizationScale } from '../core/sae/normalization';
import { normalizeRows } from '../core/sae/input-norm';
import { decoderRowNorms, type SaeParams, type SaeWeights } from '../core/sae/params';
import {
  evalChunkRows,
  evaluateRows,
  gatherRows,
  trainLoop,
  type LoopStop,
  type SaeData,
  type SaeStepReport,
} from '../core/sae/train-loop';
import type { SaeTrainer } from '../core/engine/sae-trainer';
import {
  SAE_PROGRESS_FIELDS,
  type ArrayRef,
  type FeatureBrowserData,
  type SaeBrowserSpec,
  type SaeEvalSpec,
  type SaeProgressField,
  type SaeResultSummary,
  type SaeTrainSpec,
  type SplitRef,
} from '../protocol';
import type { DatasetStore } from './dataset-store';
import { resolveSplit } from './resolve-data';

export function packSaeProgress(r: SaeStepReport): Float64Array {
  const v = (x: number | null | undefined) => x ?? NaN;
  const values: Record<SaeProgressField, number> = {
    step: r.step,
    rowsSeen: r.rowsSeen,
    lr: r.lr,
    sparsity: r.sparsity,
    k: r.k,
    loss: r.loss,
    aux: r.aux,
    gradNorm: r.gradNorm,
    trainMse: v(r.train.mse),
    testMse: v(r.test?.mse),
    trainFvu: v(r.train.fvu),
    testFvu: v(r.test?.fvu),
    trainL0: v(r.train.l0),
    testL0: v(r.test?.l0),
    trainL1: v(r.train.l1),
    testL1: v(r.test?.l1),
    trainCosine: v(r.train.cosine),
    testCosine: v(r.test?.cosine),
    deadFraction: r.deadFraction,
    deadWindowRows: r.deadWindowRows,
  };
  return Float64Array.from(SAE_PROGRESS_FIELDS, (f) => values[f]);
}

export interface SaeJobHooks {
  onStart: (info: { trainRows: number; testRows: number; dIn: number; dSae: number; implementation: string }) => void;
  onProgress: (point: Float64Array) => void;
  isCancelled: () => boolean;
  /** A checkpoint of the run ('pause': the last one before the job stops for a pause). */
  onCheckpoint?: (checkpoint: SaeCheckpoint, why: 'periodic' | 'pause') => void;
}

/** Holds a running job's config; the worker applies UI edits here between steps. */
export class SaeJobControl {
  private pauseAsked = false;
  constructor(private current: SaeConfig) {}
  get config(): SaeConfig {
    return this.current;
  }
  /** Asks the run to checkpoint and stop before its next step. */
  pause(): void {
    this.pauseAsked = true;
  }
  get paused(): boolean {
    return this.pauseAsked;
  }
  /** 'continue' edits take effect from the next step; 'restart' edits are NOT applied: resubmit the job with them. */
  update(next: SaeConfig): ChangeEffect {
    const e = changeEffect(this.current, next);
    if (e.effect === 'continue') this.current = next;
    return e;
  }
}

export interface SaeJobContext {
  engine: Engine;
  /** A checkpoint to continue from (the worker's own after a device loss); overrides spec.resumeFrom. */
  resume?: SaeCheckpoint;
}

export async function runSaeTrainJob(
  ctx: SaeJobContext,
  store: DatasetStore,
  spec: SaeTrainSpec,
  hooks: SaeJobHooks,
  control = new SaeJobControl(spec.config),
): Promise<SaeResultSummary | null> {
  const started = performance.now();
  const config = control.config;
  const { data, rows, center } = await prepareSaeData(store, spec, config);
  const { d, scale } = data;
  const resume = ctx.resume ?? (spec.resumeFrom ? decodeCheckpoint(spec.resumeFrom) : undefined);
  if (resume) checkResumable(resume, config, d, rows, scale, spec.transform);
  const shape = { architecture: config.architecture, dIn: d, dSae: config.dSae };
  const trainer = ctx.engine.saeTrainer(
    shape,
    resume ? { resume: resume.trainer } : { params: freshSaeParams(config, d, center, scale) },
  );
  const policy = spec.checkpoint ?? DEFAULT_CHECKPOINT_POLICY;
  const onCheckpoint = hooks.onCheckpoint;
  try {
    hooks.onStart({
      trainRows: data.train.length,
      testRows: data.test.length,
      dIn: d,
      dSae: config.dSae,
      implementation: trainer.implementation,
    });
    const loop = await trainLoop(
      trainer,
      data,
      {
        config: () => control.config,
        cancelled: hooks.isCancelled,
        onStep: (r) => hooks.onProgress(packSaeProgress(r)),
        paused: () => control.paused,
        checkpoint: onCheckpoint && {
          ...policy,
          save: async (loopState, why) =>
            onCheckpoint(
              {
                version: CHECKPOINT_VERSION,
                config: control.config,
                dIn: d,
                dSae: config.dSae,
                dataRows: rows,
                scale,
                transform: spec.transform,
                savedAt: Date.now(),
                trainer: await trainer.exportState(),
                loop: loopState,
              },
              why,
            ),
        },
      },
      resume?.loop,
    );
    if (loop.stop.reason === 'cancelled' || loop.stop.reason === 'paused') return null;
    const params = await trainer.read();
    const final = control.config;
    const weights: SaeWeights = {
      ...foldScale(params, scale),
      architecture: final.architecture,
      dIn: d,
      dSae: final.dSae,
      k: rulesOf(final.architecture).usesK ? final.k : null,
    };
    const summary = await summarize(trainer, data, weights, final.k, final.seed, store, spec, {
      kind: 'trained',
      config: final,
      stop: loop.stop,
      steps: loop.steps,
      deadFraction: loop.tracker.deadFraction(),
      deadWindowRows: loop.tracker.window,
      metadata: {
        lr: resolvedLr(final),
        steps: loop.steps,
        seed: final.seed,
        normalization_scale_folded: scale,
        transform: spec.transform,
      },
    });
    return { ...summary, elapsedMs: performance.now() - started };
  } finally {
    trainer.dispose();
  }
}

/**
 * A run's data as its config decides it: the rows (column-shuffled for the control), the held-out split, the
 * normalisation scale and b_dec's centre, both from training rows only. Runs with equal seeds, held-out fractions
 * and normalisation get equal data, which is what lets sweep members share a stream.
 */
export async function prepareSaeData(
  store: DatasetStore,
  spec: Pick<SaeTrainSpec, 'activations' | 'transform' | 'split'>,
  config: SaeConfig,
): Promise<{ data: SaeData; rows: number; center: Float64Array }> {
  const mat = await store.matrix(spec.activations);
  const d = mat.cols;
  validateSaeConfig(config, d);
  const x =
    spec.transform === 'shuffle-columns'
      ? shuffleColumns(mat.data, mat.rows, d, createRng(config.seed ^ 0x5f1e))
      : mat.data;
  const split = await heldOutSplit(store, spec.split, config.heldOutFraction, config.seed, mat.rows);
  // Normalisation and b_dec come from training rows only: held-out rows never inform the model. b_dec from a
  // seeded random sample of them, not the first rows of a file that may be ordered by class or prompt.
  const scale = config.normalize ? normalizationScale(x, d, split.train) : 1;
  const center =
    config.bDecInit === 'zero'
      ? new Float64Array(d)
      : (config.bDecInit === 'geometric-median' ? geometricMedian : rowMean)(
          x,
          d,
          sampleRows(split.train, B_DEC_INIT_ROWS, createRng(config.seed ^ 0xbdec)),
        );
  return { data: { x, d, train: split.train, test: split.test, scale }, rows: mat.rows, center };
}

/** A fresh run's initial parameters from its seed (in the normalised space: b_dec is the scaled centre). */
export function freshSaeParams(config: SaeConfig, d: number, center: Float64Array, scale: number): SaeParams {
  return initSaeParams(
    config.architecture,
    d,
    config.dSae,
    center.map((v) => v * scale),
    createRng(config.seed),
    config.jumpReluInitThreshold,
  );
}

/** A checkpoint continues only the run it was taken from: same shape, same data, same split and transform. */
function checkResumable(
  c: SaeCheckpoint,
  config: SaeConfig,
  d: number,
  rows: number,
  scale: number,
  transform: SaeTrainSpec['transform'],
): void {
  const diff: string[] = [];
  if (c.dIn !== d) diff.push(`d_in ${c.dIn} vs ${d}`);
  if (c.dataRows !== rows) diff.push(`${c.dataRows} rows vs ${rows}`);
  if (c.scale !== scale) diff.push(`activation scale ${c.scale} vs ${scale}`);
  if (c.transform !== transform) diff.push(`transform ${c.transform} vs ${transform}`);
  if (c.dSae !== config.dSae || c.config.architecture !== config.architecture)
    diff.push(`${c.config.architecture} d_sae ${c.dSae} vs ${config.architecture} d_sae ${config.dSae}`);
  if (c.config.seed !== config.seed || c.config.heldOutFraction !== config.heldOutFraction)
    diff.push('seed or held-out split');
  if (diff.length) throw new Error(`this checkpoint belongs to a different run or data: ${diff.join('; ')}`);
}

export async function runSaeEvalJob(
  ctx: SaeJobContext,
  store: DatasetStore,
  spec: SaeEvalSpec,
  hooks: SaeJobHooks,
): Promise<SaeResultSummary | null> {
  const started = performance.now();
  const mat = await store.matrix(spec.activations);
  const w = spec.dictionary;
  if (mat.cols !== w.dIn)
    throw new Error(`dictionary has d_in = ${w.dIn} but the activations have ${mat.cols} columns`);
  const split = await heldOutSplit(store, spec.split, spec.heldOutFraction, spec.seed, mat.rows);
  const trainer = ctx.engine.saeTrainer({ architecture: w.architecture, dIn: w.dIn, dSae: w.dSae }, { evaluate: w });
  try {
    hooks.onStart({
      trainRows: split.train.length,
      testRows: split.test.length,
      dIn: w.dIn,
      dSae: w.dSae,
      implementation: trainer.implementation,
    });
    if (hooks.isCancelled()) return null;
    // A per-row input normalisation (layer_norm, constant_norm_rescale) is part of the imported SAE's encoder: its
    // metrics are those of the normalised rows it encodes and reconstructs.
    const x = w.inputNorm ? normalizeRows(mat.data, mat.rows, mat.cols, w.inputNorm).x : mat.data;
    const data: SaeData = { x, d: w.dIn, train: split.train, test: split.test, scale: 1 };
    const summary = await summarize(trainer, data, w, w.k ?? 0, spec.seed, store, spec, {
      kind: 'evaluated',
      stop: { reason: 'done' },
      steps: 0,
      deadFraction: null,
      deadWindowRows: null,
      metadata: w.inputNorm ? { metrics_on: `${w.inputNorm} rows` } : {},
    });
    return { ...summary, elapsedMs: performance.now() - started };
  } finally {
    trainer.dispose();
  }
}

/** The dataset's split when the spec names one (the page's Data panel), else a seeded random one from the config. */
function heldOutSplit(
  store: DatasetStore,
  ref: SplitRef | undefined,
  testFraction: number,
  seed: number,
  rows: number,
): Promise<Split> {
  if (ref) return resolveSplit(store, ref, rows);
  return Promise.resolve(makeSplit({ kind: 'random', testFraction, seed, stratify: false }, rows));
}

export interface SummaryExtras {
  kind: SaeResultSummary['kind'];
  config?: SaeConfig;
  stop: LoopStop;
  steps: number;
  deadFraction: number | null;
  deadWindowRows: number | null;
  metadata: Record<string, unknown>;
}

/** Rows b_dec's mean or geometric median is taken over (a seeded sample of the training rows). */
const B_DEC_INIT_ROWS = 65536;
/** Training rows the summary's "train" metrics are evaluated on (a seeded sample, as for b_dec). */
const TRAIN_EVAL_ROWS = 4096;

export async function summarize(
  trainer: SaeTrainer,
  data: SaeData,
  weights: SaeWeights,
  k: number,
  seed: number,
  store: DatasetStore,
  spec: { groundTruth?: ArrayRef; browser?: SaeBrowserSpec },
  extra: SummaryExtras,
): Promise<Omit<SaeResultSummary, 'elapsedMs'>> {
  const { dIn: d, dSae: m } = weights;
  const testSums = await evaluateRows(trainer, data, data.test, k);
  const trainRows = sampleRows(data.train, TRAIN_EVAL_ROWS, createRng(seed ^ 0x7a1e));
  const trainSums = await evaluateRows(trainer, data, trainRows, k);
  const norms = decoderRowNorms(weights.wDec, m, d);
  let truth: SaeResultSummary['mmcs'];
  if (spec.groundTruth) {
    const g = await store.matrix(spec.groundTruth);
    if (g.cols !== d) throw new Error(`ground-truth dictionary has ${g.cols} columns but the activations have ${d}`);
    const r = mmcs(g.data, g.rows, weights.wDec, m, d);
    truth = { mmcs: r.mmcs, found: r.found, threshold: r.threshold, trueFeatures: g.rows };
  }
  return {
    kind: extra.kind,
    architecture: weights.architecture,
    dIn: d,
    dSae: m,
    k: weights.k,
    config: extra.config,
    implementation: trainer.implementation,
    stop: extra.stop,
    steps: extra.steps,
    trainRows: data.train.length,
    testRows: data.test.length,
    scale: data.scale,
    train: finalizeSums(trainSums),
    test: finalizeSums(testSums),
    testFires: testSums.fires,
    density: densityHistogram(testSums.fires, testSums.rows),
    deadFraction: extra.deadFraction,
    deadWindowRows: extra.deadWindowRows,
    liveLatents: liveLatents(testSums.fires),
    frequentLatents: frequentLatents(testSums.fires, testSums.rows),
    decoderNorms: norms,
    decoderNormHistogram: histogram(norms, 30, ...autoRange(norms)),
    mmcs: truth,
    weights,
    saeLens: exportSaeLens(weights, extra.metadata),
    features: spec.browser ? await featureBrowser(trainer, data, weights, k, store, spec.browser) : undefined,
  };
}

async function featureBrowser(
  trainer: SaeTrainer,
  data: SaeData,
  w: SaeWeights,
  k: number,
  store: DatasetStore,
  b: SaeBrowserSpec,
): Promise<FeatureBrowserData> {
  const { dIn: d, dSae: m } = w;
  const rows = data.x.length / d;
  const stats = emptyFeatureStats(m, b.topN ?? 12);
  const all = Int32Array.from({ length: rows }, (_, i) => i);
  const per = evalChunkRows(m);
  const buf = new Float32Array(per * d);
  // Two passes over the codes: the first finds each latent's max (for the histogram's range), the second bins.
  for (const pass of [0, 1]) {
    for (let r0 = 0; r0 < rows; r0 += per) {
      const c = Math.min(per, rows - r0);
      gatherRows(data, all, r0, c, buf);
      const f = await trainer.encode(buf.subarray(0, c * d), c, k);
      if (pass === 0) addCodes(stats, f, all.subarray(r0, r0 + c));
      else addToHistograms(stats, f, c);
    }
  }
  const neighbours = 5;
  const nb = decoderNeighbours(w.wDec, m, d, neighbours);
  const out: FeatureBrowserData = {
    rows,
    fires: stats.fires,
    maxAct: stats.maxAct,
    meanAct: stats.sumAct.map((s, i) => (stats.fires[i] ? s / stats.fires[i] : 0)),
    topN: stats.topN,
    topRows: stats.topRows,
    topValues: stats.topValues,
    bins: stats.bins,
    histograms: stats.histograms,
    neighbours,
    neighbourIndex: nb.index,
    neighbourCosine: nb.cosine,
  };
  const shown = new Set<number>();
  for (const r of stats.topRows) if (r >= 0) shown.add(r);
  // Row texts and labels attach only when they have one entry per activation row: another dataset's texts are
  // never shown beside these rows (the run's weights and metrics are kept either way).
  const notes: string[] = [];
  const mismatch = (ref: ArrayRef, what: string, n: number) =>
    `${what} of ${store.fileName(ref.fileId)}${ref.key ? ` › ${ref.key}` : ''} not shown: ${n} rows, the activations have ${rows}`;
  const text = b.text ? await store.labels(b.text) : null;
  if (b.text && text && text.values.length !== rows) notes.push(mismatch(b.text, 'texts', text.values.length));
  else if (text) {
    out.rowText = {};
    for (const r of shown) out.rowText[r] = String(text.values[r] ?? '');
  }
  const l = b.labels ? await store.labels(b.labels) : null;
  if (b.labels && l && l.values.length !== rows) notes.push(mismatch(b.labels, 'labels', l.values.length));
  else if (l) {
    const enc = encodeNamedLabels(l.values as ArrayLike<number> | string[], b.classNames);
    const named = enc.classes;
    const mix = labelMix(stats, enc.codes, named.length);
    out.classes = named;
    out.labelCounts = mix.counts;
    out.purity = mix.purity;
    out.rowLabel = {};
    for (const r of shown) out.rowLabel[r] = named[enc.codes[r]];
  }
  if (notes.length) out.notes = notes;
  return out;
}
