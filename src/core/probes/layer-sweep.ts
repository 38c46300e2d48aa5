// Layer sweep: one logistic probe per layer of [L, N, D] activations (or per-layer keys). The best layer is
// chosen on validation rows carved from the training rows (probes fitted on the rest), never on test rows;
// the accuracy/AUROC-vs-layer curve then comes from probes refitted on all training rows and scored on test.

import type { Engine } from '../engine/engine';
import { carveValidation } from '../split/validation-split';
import type { Split } from '../split/split';
import {
  trainLogisticProbe,
  type LogisticConfig,
  type LogisticResult,
  type SplitMetrics,
  type TrainHooks,
} from './logistic';

export interface LayerSweepConfig {
  logistic: LogisticConfig;
  /** Fraction of the training rows held out to choose the layer. */
  validationFraction: number;
  seed: number;
  /** Higher accuracy wins, ties broken by lower log-loss; or lowest log-loss; or highest AUROC. */
  selectBy: 'accuracy' | 'logLoss' | 'auroc';
}

export const DEFAULT_LAYER_SWEEP: Omit<LayerSweepConfig, 'logistic'> = {
  validationFraction: 0.2,
  seed: 0,
  selectBy: 'accuracy',
};

export interface LayerInput {
  name: string;
  /** [rows, cols] activations of this layer. */
  x: Float32Array;
  cols: number;
}

export interface LayerOutcome {
  name: string;
  /** Fitted on train∖validation, measured on validation: what the choice is made on. */
  validation: SplitMetrics;
  /** Refitted on all training rows. */
  train: SplitMetrics;
  test: SplitMetrics;
  result: LogisticResult;
}

export interface LayerSweepResult {
  layers: LayerOutcome[];
  /** Index of the layer chosen on validation rows. */
  chosen: number;
  validationRows: number;
}

export async function sweepLayers(
  engine: Engine,
  layers: LayerInput[],
  rows: number,
  labels: Int32Array,
  classes: string[],
  split: Split,
  config: LayerSweepConfig,
  hooks: TrainHooks & { onLayer?: (index: number, outcome: LayerOutcome) => void } = {},
): Promise<LayerSweepResult | null> {
  if (layers.length === 0) throw new Error('a layer sweep needs at least one layer');
  layers.forEach((l) => {
    if (l.x.length !== rows * l.cols)
      throw new Error(`layer ${l.name} has ${l.x.length} values; expected ${rows} rows × ${l.cols} columns`);
  });
  const { fit, validation } = carveValidation(split.train, labels, config.validationFraction, config.seed);
  const outcomes: LayerOutcome[] = [];
  for (let i = 0; i < layers.length; i++) {
    if (hooks.cancelled?.()) return null;
    const data = { x: layers[i].x, rows, cols: layers[i].cols, labels, classes };
    const selection = await trainLogisticProbe(engine, data, { train: fit, test: validation }, config.logistic, {
      cancelled: hooks.cancelled,
    });
    const full = await trainLogisticProbe(engine, data, split, config.logistic, { cancelled: hooks.cancelled });
    if (hooks.cancelled?.()) return null;
    const outcome = {
      name: layers[i].name,
      validation: selection.test,
      train: full.train,
      test: full.test,
      result: full,
    };
    outcomes.push(outcome);
    hooks.onLayer?.(i, outcome);
  }
  return {
    layers: outcomes,
    chosen: chooseLayer(
      outcomes.map((o) => o.validation),
      config.selectBy,
    ),
    validationRows: validation.length,
  };
}

/** Index of the best validation metrics; undefined metrics never win. Exported for the tests. */
export function chooseLayer(validation: SplitMetrics[], by: LayerSweepConfig['selectBy']): number {
  const key = (m: SplitMetrics): [number, number] => {
    const loss = m.logLoss ?? Infinity;
    if (by === 'logLoss') return [-loss, 0];
    if (by === 'auroc') return [m.auroc ?? -Infinity, -loss];
    return [m.accuracy ?? -Infinity, -loss];
  };
  let best = 0;
  for (let i = 1; i < validation.length; i++) {
    const [a1, a2] = key(validation[i]);
    const [b1, b2] = key(validation[best]);
    if (a1 > b1 || (a1 === b1 && a2 > b2)) best = i;
  }
  return best;
}
