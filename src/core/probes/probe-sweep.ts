// Probe sweep: a grid of layers × probe settings (logistic at each C, LDA at each shrinkage) trained in one pass.
// Every cell is cross-validated on the SAME folds of the training rows (computed once by the caller), so cells
// differ only in their layer and setting; the best cell is chosen by mean CV metric, never by held-out rows. Each
// cell is then refitted on all training rows and measured on train and held-out rows, the held-out ones with
// seeded bootstrap intervals. Metrics are computed in f64 on the host from each fitted probe's scores.

import type { Engine } from '../engine/engine';
import { bootstrapIntervals, type BootstrapOptions, type Interval } from '../eval/bootstrap';
import { metricSet, type MetricSet } from '../eval/report';
import { argmaxRows, auroc } from '../math/metrics';
import type { Fold } from '../split/kfold';
import type { Split } from '../split/split';
import { fitLda, type LdaConfig } from './lda';
import { chooseLayer, type LayerInput } from './layer-sweep';
import { applyProbe, fromLogisticProbe, gatherLabels, probaFromScores, type LinearProbeModel } from './linear-probe';
import { trainLogisticProbe, type LogisticConfig, type ProbeDataset, type TrainHooks } from './logistic';
import { meanStd, type MeanStd } from './regularization-path';

/** One column of the grid: a method and its regulariser. */
export type SweepSetting = { method: 'logistic'; C: number } | { method: 'lda'; shrinkage: LdaConfig['shrinkage'] };

export interface ProbeSweepConfig {
  /** Everything but C for the logistic cells. */
  logistic: LogisticConfig;
  /** Whether LDA cells z-score their features (their shrinkage comes from the setting). */
  ldaStandardize: boolean;
  settings: SweepSetting[];
  /** Mean CV accuracy (ties: lower log-loss), lowest mean CV log-loss, or highest mean CV AUROC. */
  selectBy: 'accuracy' | 'logLoss' | 'auroc';
}

/** Mean ± sample sd over the shared folds, of the validation fold and (accuracy) of the fitting folds. */
export interface CellCv {
  accuracy: MeanStd;
  auroc: MeanStd;
  logLoss: MeanStd;
  trainAccuracy: MeanStd;
}

export interface SweepCell {
  layer: number;
  setting: number;
  cv: CellCv;
  /** Refitted on all training rows. */
  train: MetricSet;
  test: MetricSet;
  /** Bootstrap intervals of the held-out accuracy and AUROC. */
  testIntervals: { accuracy: Interval | null; auroc: Interval | null };
  model: LinearProbeModel;
}

export interface ProbeSweepResult {
  /** [layer][setting]. */
  cells: SweepCell[][];
  best: { layer: number; setting: number };
}

/** A short name for a setting, as the heat map's columns and the CLI's table show it. */
export function settingLabel(s: SweepSetting): string {
  if (s.method === 'logistic') return `logistic C=${s.C}`;
  return `lda shrinkage=${s.shrinkage === 'ledoit-wolf' ? 'auto' : s.shrinkage}`;
}

export async function sweepProbes(
  engine: Engine,
  layers: LayerInput[],
  rows: number,
  labels: Int32Array,
  classes: string[],
  split: Split,
  folds: Fold[],
  config: ProbeSweepConfig,
  bootstrap: Partial<BootstrapOptions>,
  hooks: TrainHooks & { onCell?: (cell: SweepCell, index: number) => void } = {},
): Promise<ProbeSweepResult | null> {
  if (layers.length === 0) throw new Error('a probe sweep needs at least one layer');
  if (config.settings.length === 0) throw new Error('a probe sweep needs at least one setting (a C or a shrinkage)');
  if (folds.length < 2) throw new Error(`a probe sweep needs at least 2 folds, got ${folds.length}`);
  config.settings.forEach((s, i) => {
    if (s.method === 'logistic' && !(s.C > 0 && Number.isFinite(s.C)))
      throw new Error(`invalid C at grid position ${i}: ${s.C}`);
  });
  layers.forEach((l) => {
    if (l.x.length !== rows * l.cols)
      throw new Error(`layer ${l.name} has ${l.x.length} values; expected ${rows} rows × ${l.cols} columns`);
  });
  const cells: SweepCell[][] = [];
  let index = 0;
  for (let l = 0; l < layers.length; l++) {
    const data: ProbeDataset = { x: layers[l].x, rows, cols: layers[l].cols, labels, classes };
    const row: SweepCell[] = [];
    for (let s = 0; s < config.settings.length; s++) {
      const fit = (fitSplit: Split) => fitSetting(engine, data, fitSplit, config.settings[s], config, hooks);
      const val: MetricSet[] = [];
      const fitAcc: (number | null)[] = [];
      for (const fold of folds) {
        if (hooks.cancelled?.()) return null;
        const model = await fit({ train: fold.fit, test: fold.validation });
        if (!model) return null;
        val.push(measure(model, data, fold.validation));
        fitAcc.push(measure(model, data, fold.fit).accuracy);
      }
      const model = await fit(split);
      if (!model || hooks.cancelled?.()) return null;
      const cell: SweepCell = {
        layer: l,
        setting: s,
        cv: {
          accuracy: meanStd(defined(val.map((m) => m.accuracy))),
          auroc: meanStd(defined(val.map((m) => m.auroc))),
          logLoss: meanStd(defined(val.map((m) => m.logLoss))),
          trainAccuracy: meanStd(defined(fitAcc)),
        },
        train: measure(model, data, split.train),
        test: measure(model, data, split.test),
        testIntervals: heldOutIntervals(model, data, split.test, bootstrap),
        model,
      };
      row.push(cell);
      hooks.onCell?.(cell, index++);
    }
    cells.push(row);
  }
  return { cells, best: bestCell(cells.flat(), config.selectBy)! };
}

async function fitSetting(
  engine: Engine,
  data: ProbeDataset,
  split: Split,
  setting: SweepSetting,
  config: ProbeSweepConfig,
  hooks: TrainHooks,
): Promise<LinearProbeModel | null> {
  if (setting.method === 'lda')
    return fitLda(data, split, { shrinkage: setting.shrinkage, standardize: config.ldaStandardize });
  const r = await trainLogisticProbe(
    engine,
    data,
    split,
    { ...config.logistic, C: setting.C },
    {
      cancelled: hooks.cancelled,
    },
  );
  return hooks.cancelled?.() ? null : fromLogisticProbe(r.probe);
}

function scored(model: LinearProbeModel, data: ProbeDataset, rows: Int32Array) {
  const scores = applyProbe(model, data.x, data.cols, rows);
  return {
    proba: probaFromScores(scores, model.outputs),
    classes: data.classes.length,
    labels: gatherLabels(data.labels, rows),
    scores: model.outputs === 1 ? scores : undefined,
  };
}

function measure(model: LinearProbeModel, data: ProbeDataset, rows: Int32Array): MetricSet {
  return metricSet(scored(model, data, rows));
}

/** Only the two metrics the grid shows are resampled: a full metricSet per resample costs a second sort (AP). */
function heldOutIntervals(
  model: LinearProbeModel,
  data: ProbeDataset,
  rows: Int32Array,
  options: Partial<BootstrapOptions>,
): SweepCell['testIntervals'] {
  const input = scored(model, data, rows);
  const K = input.classes;
  const hit = Uint8Array.from(argmaxRows(input.proba, K), (p, i) => (p === input.labels[i] ? 1 : 0));
  return bootstrapIntervals(
    rows.length,
    ['accuracy', 'auroc'] as const,
    (sample) => {
      let hits = 0;
      for (const i of sample) hits += hit[i];
      let area: number | null;
      if (K === 2 && input.scores) {
        const scores = Float64Array.from(sample, (i) => input.scores![i]);
        area = auroc(
          scores,
          Uint8Array.from(sample, (i) => (input.labels[i] === 1 ? 1 : 0)),
        );
      } else area = metricSet(input, sample).auroc;
      return { accuracy: hits / sample.length, auroc: area };
    },
    options,
  );
}

/**
 * The cell chosen by mean CV metric among `cells` (in grid order, layer by layer): the sweep's choice once every
 * cell is in, and the best so far while they arrive (ties go to the earlier cell, so both agree). Null when empty.
 */
export function bestCell(
  cells: readonly Pick<SweepCell, 'layer' | 'setting' | 'cv'>[],
  selectBy: ProbeSweepConfig['selectBy'],
): { layer: number; setting: number } | null {
  if (cells.length === 0) return null;
  const chosen = cells[chooseLayer(cells.map(cvMeans), selectBy)];
  return { layer: chosen.layer, setting: chosen.setting };
}

function cvMeans(c: Pick<SweepCell, 'cv'>) {
  return { accuracy: c.cv.accuracy.mean, auroc: c.cv.auroc.mean, logLoss: c.cv.logLoss.mean, rows: 0 };
}

function defined(values: (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null);
}
