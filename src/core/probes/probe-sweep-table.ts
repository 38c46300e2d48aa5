// A probe sweep as a flat table, one row per cell: what the CLI writes as JSON and CSV and the UI downloads, so
// both name the columns alike (CV mean ± sd, train beside held-out, held-out bootstrap bounds, the best cell).

import type { SweepCell, SweepSetting } from './probe-sweep';

export interface SweepTableRow {
  layer: string;
  method: SweepSetting['method'];
  C: number | null;
  shrinkage: number | string | null;
  cv_accuracy_mean: number | null;
  cv_accuracy_sd: number | null;
  cv_auroc_mean: number | null;
  cv_auroc_sd: number | null;
  cv_logloss_mean: number | null;
  cv_logloss_sd: number | null;
  cv_fit_accuracy_mean: number | null;
  train_accuracy: number | null;
  train_auroc: number | null;
  test_accuracy: number | null;
  test_accuracy_low: number | null;
  test_accuracy_high: number | null;
  test_auroc: number | null;
  test_auroc_low: number | null;
  test_auroc_high: number | null;
  /** Chosen by CV on the training rows. */
  best: boolean;
}

export function sweepTable(
  names: string[],
  settings: SweepSetting[],
  cells: SweepCell[][],
  best: { layer: number; setting: number },
): SweepTableRow[] {
  return cells.flat().map((c) => {
    const s = settings[c.setting];
    return {
      layer: names[c.layer],
      method: s.method,
      C: s.method === 'logistic' ? s.C : null,
      shrinkage: s.method === 'lda' ? s.shrinkage : null,
      cv_accuracy_mean: c.cv.accuracy.mean,
      cv_accuracy_sd: c.cv.accuracy.std,
      cv_auroc_mean: c.cv.auroc.mean,
      cv_auroc_sd: c.cv.auroc.std,
      cv_logloss_mean: c.cv.logLoss.mean,
      cv_logloss_sd: c.cv.logLoss.std,
      cv_fit_accuracy_mean: c.cv.trainAccuracy.mean,
      train_accuracy: c.train.accuracy,
      train_auroc: c.train.auroc,
      test_accuracy: c.test.accuracy,
      test_accuracy_low: c.testIntervals.accuracy?.low ?? null,
      test_accuracy_high: c.testIntervals.accuracy?.high ?? null,
      test_auroc: c.test.auroc,
      test_auroc_low: c.testIntervals.auroc?.low ?? null,
      test_auroc_high: c.testIntervals.auroc?.high ?? null,
      best: c.layer === best.layer && c.setting === best.setting,
    };
  });
}

/** RFC 4180 CSV with a header; empty fields for undefined metrics, full f64 precision for the rest. */
export function sweepCsv(rows: SweepTableRow[]): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]) as (keyof SweepTableRow)[];
  const field = (v: unknown) => {
    const s = v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [keys.join(','), ...rows.map((r) => keys.map((k) => field(r[k])).join(','))].join('\n') + '\n';
}
