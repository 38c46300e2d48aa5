// Worker-side runners for the probe suite beyond the logistic probe: mass-mean, LDA, ridge, CCS, the
// layer sweep, the regularization path, the transfer matrix and applying an imported probe. Each follows
// runProbeJob's pattern (engine + DatasetStore + spec + hooks) and returns a plain, transferable result whose
// every held-out number sits beside its training counterpart, with seeded bootstrap intervals.

import type { Engine } from '../core/engine/engine';
import { stratifiedKFold } from '../core/split/kfold';
import type { Split } from '../core/split/split';
import { DataFileError } from '../core/formats/errors';
import { evaluate, METRIC_NAMES, type EvaluationReport, type MetricName } from '../core/eval/report';
import { autoRange, classHistograms } from '../core/stats/histogram';
import { applyPlatt, crossFitPlatt, type HeldOutScorer } from '../core/eval/platt';
import { generalizationGap, transferMatrix, transferRows } from '../core/eval/transfer';
import {
  applyProbe,
  fromLogisticProbe,
  gatherLabels,
  probaFromScores,
  type LinearProbeModel,
} from '../core/probes/linear-probe';
import { applyProbeOnEngine } from '../core/probes/apply-on-engine';
import { fitMassMean } from '../core/probes/mass-mean';
import { fitLda } from '../core/probes/lda';
import { fitRidge, regressionMetrics } from '../core/probes/ridge';
import { ccsCredence, fitCcs } from '../core/probes/ccs';
import { sweepLayers, type LayerInput } from '../core/probes/layer-sweep';
import { settingLabel, sweepProbes } from '../core/probes/probe-sweep';
import { regularizationPath } from '../core/probes/regularization-path';
import { trainLogisticProbe, type LogisticConfig, type ProbeDataset } from '../core/probes/logistic';
import { probeFromJson, probeFromNpz, probeFromSafetensors } from '../core/probes/probe-export';
import {
  DEFAULT_PLATT_FOLDS,
  DEFAULT_SUITE_EVAL,
  packProgress,
  SUITE_PROGRESS_FIELDS,
  type ClassificationOutcome,
  type EvaluatedSide,
  type LayersDataRefs,
  type ProbeSuiteMethod,
  type ProbeSuiteResult,
  type ProbeSuiteSpec,
  type SuiteEvalOptions,
} from '../protocol';
import type { DatasetStore } from './dataset-store';
import type { JobHooks } from './job-hooks';
import { resolveLabelledData, resolveSplit, type LabelledData } from './resolve-data';

export async function runProbeSuiteJob(
  engine: Engine,
  store: DatasetStore,
  spec: ProbeSuiteSpec,
  hooks: JobHooks,
): Promise<ProbeSuiteResult | null> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  switch (spec.method) {
    case 'mass-mean':
    case 'lda': {
      const d = await resolveLabelledData(store, spec.data);
      start(hooks, spec.method, [], d);
      if (hooks.isCancelled()) return null;
      const dataset = { x: d.x.data, rows: d.x.rows, cols: d.x.cols, labels: d.codes, classes: d.classes };
      const fit = (split: Split) =>
        spec.method === 'lda' ? fitLda(dataset, split, spec.config) : fitMassMean(dataset, split, spec.config);
      const model = fit(d.split);
      const notes =
        spec.method === 'lda' && 'usedPseudoInverse' in model && model.usedPseudoInverse
          ? ['The pooled covariance was singular; a pseudo-inverse was used. Add shrinkage.']
          : [];
      if (spec.method === 'mass-mean')
        notes.push('Mass-mean scores are uncalibrated: AUROC and AP are meaningful, log-loss and ECE much less so.');
      const refit = refitScorer(d.x.data, d.x.cols, async (split) => fit(split));
      const outcome = await evaluateClassifier(store, model, d, spec.eval, notes, refit);
      if (!outcome) return null;
      return spec.method === 'lda'
        ? { method: 'lda', ...outcome, elapsedMs: elapsed() }
        : { method: 'mass-mean', ...outcome, elapsedMs: elapsed() };
    }
    case 'ridge': {
      const x = await store.matrix(spec.data.activations);
      const targets = await store.labels(spec.data.targets);
      if (targets.kind !== 'numeric')
        throw new DataFileError(
          store.fileName(spec.data.targets.fileId),
          'ridge needs numeric targets; this column holds text',
          { key: spec.data.targets.key || undefined },
        );
      if (targets.values.length !== x.rows)
        throw new DataFileError(
          store.fileName(spec.data.targets.fileId),
          `targets have ${targets.values.length} rows but the activations have ${x.rows}`,
        );
      const split = await resolveSplit(store, spec.data.split, x.rows);
      hooks.onStart({
        method: 'ridge',
        fields: [],
        trainRows: split.train.length,
        testRows: split.test.length,
        classes: [],
      });
      const data = { x: x.data, rows: x.rows, cols: x.cols, y: Float64Array.from(targets.values) };
      const model = fitRidge(data, split, spec.config);
      return {
        method: 'ridge',
        model,
        train: regressionMetrics(model, data, split.train),
        test: regressionMetrics(model, data, split.test),
        testPredictions: applyProbe(model, data.x, data.cols, split.test),
        testRows: split.test,
        elapsedMs: elapsed(),
      };
    }
    case 'ccs': {
      const xp = await store.matrix(spec.data.xPlus);
      const xm = await store.matrix(spec.data.xMinus);
      if (xp.rows !== xm.rows || xp.cols !== xm.cols) {
        throw new DataFileError(
          store.fileName(spec.data.xMinus.fileId),
          `x_minus is [${xm.rows}, ${xm.cols}] but x_plus is [${xp.rows}, ${xp.cols}]; contrast pairs must match`,
        );
      }
      let codes: Int32Array | undefined;
      if (spec.data.labels) {
        const l = await store.labels(spec.data.labels);
        if (l.kind !== 'numeric' || l.values.some((v) => v !== 0 && v !== 1)) {
          throw new DataFileError(store.fileName(spec.data.labels.fileId), 'CCS truth labels must be 0/1 per pair', {
            key: spec.data.labels.key || undefined,
          });
        }
        codes = Int32Array.from(l.values);
      }
      const split = await resolveSplit(store, spec.data.split, xp.rows, codes);
      hooks.onStart({
        method: 'ccs',
        fields: [],
        trainRows: split.train.length,
        testRows: split.test.length,
        classes: ['false', 'true'],
      });
      const pairs = { xPlus: xp.data, xMinus: xm.data, rows: xp.rows, cols: xp.cols, labels: codes };
      const r = await fitCcs(pairs, split, spec.config, hooks.isCancelled);
      if (hooks.isCancelled()) return null;
      const notes = [
        codes
          ? `The sign of the CCS direction was fixed with the training labels${r.signFlipped ? ' (flipped)' : ''}: CCS alone cannot tell true from false, so its "unsupervised" accuracy depends on this choice.`
          : 'No labels: the sign of the direction is arbitrary, so accuracy may be read as 1 − accuracy.',
      ];
      if (!codes) {
        return {
          method: 'ccs',
          ...emptyOutcome(r.model, notes),
          elapsedMs: elapsed(),
          loss: r.loss,
          restartLosses: r.restartLosses,
          signFlipped: false,
        };
      }
      const side = (rows: Int32Array): EvaluatedSide => {
        const credence = ccsCredence(r.model, pairs, rows);
        const proba = new Float64Array(2 * rows.length);
        credence.forEach((c, i) => {
          proba[2 * i] = 1 - c;
          proba[2 * i + 1] = c;
        });
        const labels = gatherLabels(codes!, rows);
        return {
          rows,
          proba,
          scores: credence,
          report: evaluate(
            { proba, classes: 2, labels, scores: credence },
            spec.eval.bootstrap,
            spec.eval.reliabilityBins,
          ),
        };
      };
      const refit: HeldOutScorer = async (fit, heldOut) => {
        const f = await fitCcs(pairs, { train: fit, test: heldOut }, spec.config, hooks.isCancelled);
        return hooks.isCancelled() ? null : ccsCredence(f.model, pairs, heldOut);
      };
      const outcome = await finishOutcome(
        r.model,
        ['false', 'true'],
        side(split.train),
        side(split.test),
        codes,
        spec.eval,
        notes,
        refit,
      );
      if (!outcome) return null;
      return {
        method: 'ccs',
        ...outcome,
        elapsedMs: elapsed(),
        loss: r.loss,
        restartLosses: r.restartLosses,
        signFlipped: r.signFlipped,
      };
    }
    case 'layer-sweep': {
      const fields = SUITE_PROGRESS_FIELDS['layer-sweep'];
      const { first, layers } = await resolveLayers(store, spec.data);
      start(hooks, spec.method, [...fields], first);
      const r = await sweepLayers(engine, layers, first.x.rows, first.codes, first.classes, first.split, spec.config, {
        cancelled: hooks.isCancelled,
        onLayer: (i, o) =>
          hooks.onProgress(
            packProgress(fields, {
              layer: i,
              validationAccuracy: o.validation.accuracy,
              trainAccuracy: o.train.accuracy,
              testAccuracy: o.test.accuracy,
              testAuroc: o.test.auroc,
            }),
          ),
      });
      if (!r) return null;
      const chosen = layers[r.chosen];
      const chosenData = {
        x: chosen.x,
        rows: first.x.rows,
        cols: chosen.cols,
        labels: first.codes,
        classes: first.classes,
      };
      const best = await evaluateClassifier(
        store,
        fromLogisticProbe(r.layers[r.chosen].result.probe),
        { ...first, x: { data: chosen.x, rows: first.x.rows, cols: chosen.cols } },
        spec.eval,
        [
          `Layer ${chosen.name} was chosen on ${r.validationRows} validation rows carved from the training rows, never on test rows.`,
        ],
        logisticScorer(engine, chosenData, spec.config.logistic, hooks),
      );
      if (!best) return null;
      return {
        method: 'layer-sweep',
        names: r.layers.map((o) => o.name),
        validation: r.layers.map((o) => o.validation),
        train: r.layers.map((o) => o.train),
        test: r.layers.map((o) => o.test),
        chosen: r.chosen,
        validationRows: r.validationRows,
        best,
        elapsedMs: elapsed(),
      };
    }
    case 'probe-sweep': {
      const fields = SUITE_PROGRESS_FIELDS['probe-sweep'];
      const { first, layers } = await resolveLayers(store, spec.data);
      start(hooks, spec.method, [...fields], first);
      // Computed once: every cell is cross-validated on these same rows, so cells can be compared.
      const folds = stratifiedKFold(first.split.train, first.codes, spec.config.folds, spec.config.seed);
      const r = await sweepProbes(
        engine,
        layers,
        first.x.rows,
        first.codes,
        first.classes,
        first.split,
        folds,
        spec.config,
        spec.eval.bootstrap,
        {
          cancelled: hooks.isCancelled,
          onCell: (c, i) => {
            hooks.onProgress(
              packProgress(fields, {
                cell: i,
                layer: c.layer,
                setting: c.setting,
                cvAccuracy: c.cv.accuracy.mean,
                testAccuracy: c.test.accuracy,
                testAuroc: c.test.auroc,
              }),
            );
            // Without its probe: the grid needs only the numbers, and the weights come with the result.
            const { model: _, ...streamed } = c;
            hooks.onCell?.(streamed);
          },
        },
      );
      if (!r) return null;
      const layer = layers[r.best.layer];
      const setting = spec.config.settings[r.best.setting];
      const data = { x: layer.x, rows: first.x.rows, cols: layer.cols, labels: first.codes, classes: first.classes };
      const scorer =
        setting.method === 'logistic'
          ? logisticScorer(engine, data, { ...spec.config.logistic, C: setting.C }, hooks)
          : refitScorer(layer.x, layer.cols, async (split) =>
              fitLda(data, split, { shrinkage: setting.shrinkage, standardize: spec.config.ldaStandardize }),
            );
      const bestOutcome = await evaluateClassifier(
        store,
        r.cells[r.best.layer][r.best.setting].model,
        { ...first, x: { data: layer.x, rows: first.x.rows, cols: layer.cols } },
        spec.eval,
        [
          `Layer ${layer.name}, ${settingLabel(setting)} was chosen by mean ${spec.config.folds}-fold CV ${spec.config.selectBy} on the training rows (the same folds for every cell), never on held-out rows.`,
        ],
        scorer,
      );
      if (!bestOutcome) return null;
      return {
        method: 'probe-sweep',
        names: layers.map((l) => l.name),
        settings: spec.config.settings,
        cells: r.cells,
        best: r.best,
        folds: spec.config.folds,
        foldSeed: spec.config.seed,
        selectBy: spec.config.selectBy,
        bestOutcome,
        elapsedMs: elapsed(),
      };
    }
    case 'regularization-path': {
      const fields = SUITE_PROGRESS_FIELDS['regularization-path'];
      const d = await resolveLabelledData(store, spec.data);
      start(hooks, spec.method, [...fields], d);
      const r = await regularizationPath(
        engine,
        { x: d.x.data, rows: d.x.rows, cols: d.x.cols, labels: d.codes, classes: d.classes },
        d.split,
        spec.config,
        {
          cancelled: hooks.isCancelled,
          onPoint: (_, p) =>
            hooks.onProgress(
              packProgress(fields, {
                log10C: Math.log10(p.C),
                validationLogLoss: p.logLoss.mean,
                validationAccuracy: p.accuracy.mean,
                trainAccuracy: p.trainAccuracy.mean,
              }),
            ),
        },
      );
      if (!r) return null;
      const C = spec.config.Cs[r.bestIndex];
      const data = { x: d.x.data, rows: d.x.rows, cols: d.x.cols, labels: d.codes, classes: d.classes };
      const best = await evaluateClassifier(
        store,
        fromLogisticProbe(r.best.probe),
        d,
        spec.eval,
        [
          `C = ${C.toPrecision(3)} was chosen by mean ${spec.config.folds}-fold validation log-loss on the training rows.`,
        ],
        logisticScorer(engine, data, { ...spec.config.logistic, C }, hooks),
      );
      if (!best) return null;
      return { method: 'regularization-path', points: r.points, bestIndex: r.bestIndex, best, elapsedMs: elapsed() };
    }
    case 'transfer': {
      const fields = SUITE_PROGRESS_FIELDS.transfer;
      const sets: LabelledData[] = [];
      for (const s of spec.sets) sets.push(await resolveLabelledData(store, s.data));
      if (sets.length === 0) throw new Error('a transfer matrix needs at least one set');
      sets.forEach((s, i) => {
        if (s.x.cols !== sets[0].x.cols)
          throw new Error(
            `set ${spec.sets[i].name} has ${s.x.cols} features; ${spec.sets[0].name} has ${sets[0].x.cols}: a probe cannot transfer between them`,
          );
        if (s.classes.join('\u0000') !== sets[0].classes.join('\u0000'))
          throw new Error(
            `set ${spec.sets[i].name} has classes [${s.classes}]; ${spec.sets[0].name} has [${sets[0].classes}]`,
          );
      });
      start(hooks, spec.method, [...fields], sets[0]);
      const matrix = await transferMatrix(
        spec.sets.map((s) => s.name),
        async (i) => {
          hooks.onProgress(packProgress(fields, { trainedOn: i }));
          const s = sets[i];
          const r = await trainLogisticProbe(
            engine,
            { x: s.x.data, rows: s.x.rows, cols: s.x.cols, labels: s.codes, classes: s.classes },
            s.split,
            spec.config,
            { cancelled: hooks.isCancelled },
          );
          return fromLogisticProbe(r.probe);
        },
        async (model, i, j) => {
          const s = sets[j];
          const rows = transferRows(i, j, s.split, s.x.rows);
          const scores = applyProbe(model, s.x.data, s.x.cols, rows);
          const proba = probaFromScores(scores, model.outputs);
          const report = evaluate({
            proba,
            classes: s.classes.length,
            labels: gatherLabels(s.codes, rows),
            scores: model.outputs === 1 ? scores : undefined,
          });
          return report.metrics[spec.metric];
        },
        hooks.isCancelled,
      );
      if (!matrix) return null;
      return { method: 'transfer', matrix, metric: spec.metric, elapsedMs: elapsed() };
    }
    case 'apply-probe': {
      const model = await importProbe(spec.probe.name, spec.probe.bytes);
      const x = await store.matrix(spec.activations);
      hooks.onStart({
        method: 'apply-probe',
        fields: [],
        trainRows: 0,
        testRows: x.rows,
        classes: model.classes,
      });
      // On the engine: a whole file, scored in f32 on the device.
      const scores = Float64Array.from(await applyProbeOnEngine(engine, model, x.data, x.rows, x.cols));
      if (model.link === 'identity')
        return { method: 'apply-probe', model, proba: null, predictions: scores, report: null, elapsedMs: elapsed() };
      const proba = probaFromScores(scores, model.outputs);
      let report: EvaluationReport | null = null;
      if (spec.labels) {
        const d = await resolveLabelledData(store, {
          activations: spec.activations,
          labels: spec.labels,
          classNames: spec.classNames,
          split: { kind: 'random', testFraction: 0.5, seed: 0, stratify: false },
        });
        const codes = remapClasses(d.classes, d.codes, model.classes, store.fileName(spec.labels.fileId));
        report = evaluate(
          { proba, classes: model.classes.length, labels: codes, scores: model.outputs === 1 ? scores : undefined },
          DEFAULT_SUITE_EVAL.bootstrap,
        );
      }
      return { method: 'apply-probe', model, proba, predictions: scores, report, elapsedMs: elapsed() };
    }
    default:
      return assertNeverSpec(spec);
  }
}

/** Each layer's activations, checked to share the first layer's rows, with the labels and split resolved once. */
async function resolveLayers(store: DatasetStore, data: LayersDataRefs) {
  if (data.layers.length === 0) throw new Error('a sweep needs at least one layer');
  const first = await resolveLabelledData(store, { ...data, activations: data.layers[0].activations });
  const layers: LayerInput[] = [];
  for (const l of data.layers) {
    const m = await store.matrix(l.activations);
    if (m.rows !== first.x.rows)
      throw new DataFileError(
        store.fileName(l.activations.fileId),
        `layer ${l.name} has ${m.rows} rows; the first layer has ${first.x.rows}`,
        { key: l.activations.key || undefined },
      );
    layers.push({ name: l.name, x: m.data, cols: m.cols });
  }
  return { first, layers };
}

function start(hooks: JobHooks, method: ProbeSuiteMethod, fields: string[], d: LabelledData): void {
  hooks.onStart({
    method,
    fields,
    trainRows: d.split.train.length,
    testRows: d.split.test.length,
    classes: d.classes,
  });
}

/** Refits a linear probe on some rows and scores others with it: what Platt's cross-fitting needs. */
function refitScorer(
  x: Float32Array,
  cols: number,
  fit: (split: Split) => Promise<LinearProbeModel | null>,
): HeldOutScorer {
  return async (fitRows, heldOut) => {
    const model = await fit({ train: fitRows, test: heldOut });
    return model && applyProbe(model, x, cols, heldOut);
  };
}

/** The logistic probe of a layer sweep or regularization path, refitted with the chosen configuration. */
function logisticScorer(engine: Engine, data: ProbeDataset, config: LogisticConfig, hooks: JobHooks): HeldOutScorer {
  return refitScorer(data.x, data.cols, async (split) => {
    const r = await trainLogisticProbe(engine, data, split, config, { cancelled: hooks.isCancelled });
    return hooks.isCancelled() ? null : fromLogisticProbe(r.probe);
  });
}

/** Train and held-out sides of a fitted classifier (and an external file's), Platt scaling if asked; null if cancelled. */
async function evaluateClassifier(
  store: DatasetStore,
  model: LinearProbeModel,
  d: LabelledData,
  opts: SuiteEvalOptions,
  notes: string[],
  refit: HeldOutScorer,
): Promise<ClassificationOutcome | null> {
  const side = (x: Float32Array, cols: number, codes: Int32Array, rows: Int32Array): EvaluatedSide => {
    const scores = applyProbe(model, x, cols, rows);
    const proba = probaFromScores(scores, model.outputs);
    const labels = gatherLabels(codes, rows);
    const K = model.classes.length;
    const report = evaluate(
      { proba, classes: K, labels, scores: model.outputs === 1 ? scores : undefined },
      opts.bootstrap,
      opts.reliabilityBins,
    );
    const perRow = model.outputs === 1 ? scores : Float64Array.from(labels, (l, i) => proba[i * K + l]);
    return { rows, proba, scores: perRow, report };
  };
  const outcome = await finishOutcome(
    model,
    d.classes,
    side(d.x.data, d.x.cols, d.codes, d.split.train),
    side(d.x.data, d.x.cols, d.codes, d.split.test),
    d.codes,
    opts,
    notes,
    refit,
  );
  if (!outcome) return null;
  if (opts.external) {
    const e = await resolveLabelledData(store, {
      activations: opts.external.activations,
      labels: opts.external.labels,
      split: { kind: 'random', testFraction: 0.5, seed: 0, stratify: false },
    });
    const codes = remapClasses(e.classes, e.codes, d.classes, opts.external.name);
    const all = Int32Array.from({ length: e.x.rows }, (_, i) => i);
    const ext = side(e.x.data, e.x.cols, codes, all);
    const gap = Object.fromEntries(
      METRIC_NAMES.map((k) => [k, generalizationGap(outcome.test.report.metrics[k], ext.report.metrics[k])]),
    ) as Record<MetricName, number | null>;
    outcome.external = { name: opts.external.name, side: ext, gap };
  }
  return outcome;
}

async function finishOutcome(
  model: LinearProbeModel,
  classes: string[],
  train: EvaluatedSide,
  test: EvaluatedSide,
  codes: Int32Array,
  opts: SuiteEvalOptions,
  notes: string[],
  refit: HeldOutScorer,
): Promise<ClassificationOutcome | null> {
  const K = classes.length;
  const range = autoRange(train.scores, test.scores);
  const histograms = {
    train: classHistograms(train.scores, gatherLabels(codes, train.rows), K, opts.histogramBins, range),
    test: classHistograms(test.scores, gatherLabels(codes, test.rows), K, opts.histogramBins, range),
  };
  const outcome: ClassificationOutcome = { model, classes, train, test, histograms, notes };
  if (opts.platt && K === 2) {
    const { folds, seed } = opts.plattFolds ?? DEFAULT_PLATT_FOLDS;
    const smallest = Math.min(...[0, 1].map((c) => train.rows.filter((r) => codes[r] === c).length));
    if (smallest < folds) {
      notes.push(
        `Platt scaling needs at least ${folds} training rows of each class for its ${folds} folds; the smaller class has ${smallest}.`,
      );
      return outcome;
    }
    // Cross-fitted: the sigmoid sees each training row's score from the method refitted without that row's fold.
    const cv = await crossFitPlatt(stratifiedKFold(train.rows, codes, folds, seed), (r) => codes[r] === 1, refit);
    if (!cv) return null;
    const p1 = applyPlatt(cv.scaling, test.scores);
    const proba = new Float64Array(2 * p1.length);
    p1.forEach((p, i) => {
      proba[2 * i] = 1 - p;
      proba[2 * i + 1] = p;
    });
    const after = evaluate(
      { proba, classes: 2, labels: gatherLabels(codes, test.rows), scores: test.scores },
      undefined,
      opts.reliabilityBins,
    );
    outcome.platt = {
      scaling: cv.scaling,
      folds,
      seed,
      testEceBefore: test.report.reliability.ece,
      testEceAfter: after.reliability.ece,
    };
  }
  return outcome;
}

function emptyOutcome(model: LinearProbeModel, notes: string[]) {
  const none = (): EvaluatedSide => ({
    rows: new Int32Array(0),
    proba: new Float64Array(0),
    scores: new Float64Array(0),
    report: evaluate({ proba: new Float64Array(0), classes: 2, labels: new Int32Array(0) }),
  });
  const empty = classHistograms([], [], 2, 1, [0, 1]);
  return {
    model,
    classes: model.classes,
    train: none(),
    test: none(),
    histograms: { train: empty, test: empty },
    notes,
  };
}

/** Codes of another file's labels re-expressed in the probe's class order; a class the probe never saw is refused. */
function remapClasses(fileClasses: string[], codes: Int32Array, probeClasses: string[], file: string): Int32Array {
  const index = fileClasses.map((c) => probeClasses.indexOf(c));
  const missing = index.findIndex((i) => i < 0);
  if (missing >= 0)
    throw new DataFileError(
      file,
      `label '${fileClasses[missing]}' is not one of the probe's classes [${probeClasses.join(', ')}]`,
    );
  return Int32Array.from(codes, (c) => index[c]);
}

async function importProbe(name: string, bytes: Uint8Array): Promise<LinearProbeModel> {
  if (/\.safetensors$/i.test(name)) return probeFromSafetensors(bytes, name);
  if (/\.npz$/i.test(name)) return probeFromNpz(bytes, name);
  if (/\.json$/i.test(name)) return probeFromJson(new TextDecoder().decode(bytes), name);
  throw new DataFileError(name, 'a probe file must be .safetensors, .npz or .json (as Probelab exports them)');
}

function assertNeverSpec(x: never): never {
  throw new Error(`unknown probe-suite method ${JSON.stringify((x as { method?: unknown }).method)}`);
}
