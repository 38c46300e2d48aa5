// The key numbers of any kept run, train beside held-out: accuracy and AUROC for classifiers, R² and MSE for
// ridge, FVU and L0 for SAEs; for a sweep, its grid, size and best cell or member. Pure, so the run list and the
// comparison table read the same values.
import type { RunRecord, RunResult } from './run-record';
import type { ClassificationOutcome } from '../../protocol';
import { transferSummary } from '../../core/eval/transfer';
import { settingLabel } from '../../core/probes/probe-sweep';
import { keptFrontier, lowestFvuMember } from '../sae/kept-sweep';

export interface KeyMetric {
  label: string;
  train: number | null;
  test: number | null;
  /** For FVU, MSE and log-loss lower is better. */
  lowerIsBetter?: boolean;
}

export interface RunSummary {
  /** The method as the list shows it ("lda", "sae topk", "logistic"). */
  method: string;
  metrics: KeyMetric[];
  /** An external evaluation file's numbers (probe suite), beside the held-out ones. */
  external?: { name: string; metrics: KeyMetric[] };
  /** One line of detail: iterations, chosen layer, best C, L0 target. */
  detail: string;
  /** A sweep's grid and its size ("6 layers × 3 settings", 18 cells). */
  grid?: { text: string; size: number };
  /** What a kept run lacks that its method's view would otherwise offer. */
  note?: string;
}

const classification = (o: ClassificationOutcome): KeyMetric[] => [
  { label: 'accuracy', train: o.train.report.metrics.accuracy, test: o.test.report.metrics.accuracy },
  { label: 'AUROC', train: o.train.report.metrics.auroc, test: o.test.report.metrics.auroc },
];

function external(o: ClassificationOutcome): RunSummary['external'] {
  if (!o.external) return undefined;
  const m = o.external.side.report.metrics;
  return {
    name: o.external.name,
    metrics: [
      { label: 'accuracy', train: null, test: m.accuracy },
      { label: 'AUROC', train: null, test: m.auroc },
    ],
  };
}

export function summarizeRun(result: RunResult): RunSummary {
  switch (result.method) {
    case 'logistic':
      return {
        method: 'logistic',
        metrics: [
          { label: 'accuracy', train: result.train.accuracy, test: result.test.accuracy },
          { label: 'AUROC', train: result.train.auroc, test: result.test.auroc },
        ],
        detail: `${result.iterations} iterations (${result.reason})`,
      };
    case 'sae': {
      const r = result.result;
      return {
        method: `sae ${r.architecture}`,
        metrics: [
          { label: 'FVU', train: r.train.fvu, test: r.test.fvu, lowerIsBetter: true },
          { label: 'L0', train: r.train.l0, test: r.test.l0 },
        ],
        detail: `${r.dIn}→${r.dSae}${r.k !== null ? `, k=${r.k}` : ''}, ${r.steps} steps, ${r.liveLatents} live latents`,
      };
    }
    case 'sae-sweep': {
      const r = result.result;
      const best = lowestFvuMember(r);
      const m = best?.metrics;
      const finished = r.members.filter((x) => x.metrics).length;
      return {
        method: 'sae sweep',
        metrics: [
          { label: 'FVU', train: m?.train.fvu ?? null, test: m?.test.fvu ?? null, lowerIsBetter: true },
          { label: 'L0', train: m?.train.l0 ?? null, test: m?.test.l0 ?? null },
        ],
        detail: best
          ? `lowest held-out FVU: ${best.member.label} · ${keptFrontier(r).length} of ${finished} finished members on the L0–FVU frontier`
          : 'no member finished',
        grid: { text: r.grid.join(' × '), size: r.members.length },
        note: "members' weights are not kept: open shows the frontier and metrics; rerun to browse or export a member",
      };
    }
    case 'suite': {
      const r = result.result;
      switch (r.method) {
        case 'mass-mean':
        case 'lda':
        case 'ccs':
          return {
            method: r.method,
            metrics: classification(r),
            external: external(r),
            detail: r.method === 'ccs' ? `CCS loss ${r.loss.toPrecision(4)}` : '',
          };
        case 'layer-sweep':
          return {
            method: r.method,
            metrics: classification(r.best),
            external: external(r.best),
            detail: `chosen layer ${r.names[r.chosen]}`,
          };
        case 'probe-sweep': {
          const b = r.best;
          return {
            method: r.method,
            metrics: classification(r.bestOutcome),
            external: external(r.bestOutcome),
            detail: `best cell ${r.names[b.layer]} · ${settingLabel(r.settings[b.setting])} (by ${r.folds}-fold CV); its held-out numbers shown`,
            grid: {
              text: `${r.names.length} layers × ${r.settings.map(settingLabel).join(', ')}`,
              size: r.names.length * r.settings.length,
            },
          };
        }
        case 'regularization-path':
          return {
            method: r.method,
            metrics: classification(r.best),
            external: external(r.best),
            detail: `best C = ${r.points[r.bestIndex]?.C.toPrecision(3)}`,
          };
        case 'ridge':
          return {
            method: 'ridge',
            metrics: [
              { label: 'R²', train: r.train.r2, test: r.test.r2 },
              { label: 'MSE', train: r.train.mse, test: r.test.mse, lowerIsBetter: true },
            ],
            detail: '',
          };
        case 'transfer': {
          const n = r.matrix.names.length;
          const { own, other } = transferSummary(r.matrix);
          return {
            method: 'transfer',
            metrics: [{ label: `${r.metric} own / other sets`, train: own, test: other }],
            detail: `${n} × ${n}: ${r.matrix.names.join(', ')}`,
          };
        }
        case 'apply-probe':
          return {
            method: 'apply-probe',
            metrics: [{ label: 'accuracy', train: null, test: r.report?.metrics.accuracy ?? null }],
            detail: '',
          };
      }
    }
  }
}

/** The metric labels a set of runs share, in first-seen order: the comparison table's rows. */
export function sharedMetricLabels(runs: RunRecord[]): string[] {
  return [...new Set(runs.flatMap((r) => summarizeRun(r.result).metrics.map((m) => m.label)))];
}

/** Overlaid curves the comparison can draw: each with the runs that recorded both fields. */
export const COMPARE_CURVES: { title: string; x: string; y: string; logY?: boolean }[] = [
  { title: 'Held-out log-loss', x: 'iteration', y: 'testLoss' },
  { title: 'Held-out accuracy', x: 'iteration', y: 'testAccuracy' },
  { title: 'Held-out accuracy by layer', x: 'layer', y: 'testAccuracy' },
  { title: 'Validation accuracy by log10 C', x: 'log10C', y: 'validationAccuracy' },
  { title: 'Held-out FVU', x: 'step', y: 'testFvu', logY: true },
  { title: 'Held-out L0', x: 'step', y: 'testL0' },
];
