// The check researchers care about: retrain a logistic probe on erased activations and compare its held-out
// accuracy with the majority-class rate (what a constant predictor gets). Erasers are fitted on the training
// rows only and applied to every row, so the held-out rows are erased by an eraser that never saw them.

import type { Engine } from '../engine/engine';
import { classCounts } from '../labels/encode-labels';
import {
  DEFAULT_LOGISTIC,
  trainLogisticProbe,
  type LogisticConfig,
  type ProbeDataset,
  type SplitMetrics,
} from '../probes/logistic';
import type { Split } from '../split/split';
import { applyEraser, type LinearEraser } from './linear-eraser';

export interface ErasureCheckRow {
  /** 'none' is the probe on the original activations. */
  method: LinearEraser['method'] | 'none';
  rank: number;
  train: SplitMetrics;
  test: SplitMetrics;
  /** Largest |coefficient| of the retrained probe (standardized space): ≈ 0 after a perfect erasure. */
  maxAbsWeight: number;
  converged: boolean;
}

/** Test-row accuracy of always predicting the training rows' majority class. */
export function majorityRate(labels: Int32Array, split: Split, classes: number): number {
  const counts = classCounts(labels, split.train, classes);
  let majority = 0;
  for (let k = 1; k < classes; k++) if (counts[k] > counts[majority]) majority = k;
  let hit = 0;
  for (const r of split.test) if (labels[r] === majority) hit++;
  return hit / split.test.length;
}

export async function retrainOnErased(
  engine: Engine,
  data: ProbeDataset,
  split: Split,
  eraser: LinearEraser | null,
  config: LogisticConfig = DEFAULT_LOGISTIC,
  cancelled?: () => boolean,
): Promise<ErasureCheckRow> {
  const x = eraser ? applyEraser(eraser, data.x, data.cols) : data.x;
  const r = await trainLogisticProbe(engine, { ...data, x }, split, config, { cancelled });
  let maxAbsWeight = 0;
  for (const w of r.probe.weights) maxAbsWeight = Math.max(maxAbsWeight, Math.abs(w));
  return {
    method: eraser ? eraser.method : 'none',
    rank: eraser ? eraser.rank : 0,
    train: r.train,
    test: r.test,
    maxAbsWeight,
    // Reaching f32 precision is convergence too: the gradient cannot get smaller than f32 resolves.
    converged: r.reason === 'converged' || r.reason === 'precision-floor',
  };
}

/**
 * Mean squared Euclidean displacement E‖r(x) − x‖² over the given rows: the damage an eraser does. Among
 * erasers that equalize class means, LEACE minimises it (Belrose et al. 2023, Thm 4.3, for any p.s.d. norm).
 */
export function meanSquaredEdit(e: LinearEraser, x: Float32Array, d: number, rows: ArrayLike<number>): number {
  const erased = applyEraser(e, x, d, rows);
  let sum = 0;
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * d;
    for (let j = 0; j < d; j++) sum += (erased[r * d + j] - x[o + j]) ** 2;
  }
  return sum / rows.length;
}
