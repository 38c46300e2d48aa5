// The probe suite's settings as one serialisable object (seed included): one entry per method, so switching
// methods keeps each one's values. Plain data in core so a run setup (and the URL) can carry and validate it.

import { DEFAULT_LOGISTIC, type LogisticConfig } from '../../core/probes/logistic';
import { DEFAULT_MASS_MEAN, type MassMeanConfig } from '../../core/probes/mass-mean';
import { DEFAULT_LDA, type LdaConfig } from '../../core/probes/lda';
import { DEFAULT_RIDGE, type RidgeConfig } from '../../core/probes/ridge';
import { DEFAULT_CCS, type CcsConfig } from '../../core/probes/ccs';
import { DEFAULT_LAYER_SWEEP, type LayerSweepConfig } from '../../core/probes/layer-sweep';
import { DEFAULT_C_GRID } from '../../core/probes/regularization-path';
import type { BootstrapOptions } from '../../core/eval/bootstrap';

export const SUITE_METHODS = [
  'logistic',
  'mass-mean',
  'lda',
  'ridge',
  'ccs',
  'layer-sweep',
  'probe-sweep',
  'regularization-path',
  'transfer',
  'apply-probe',
] as const;

export type SuiteMethodName = (typeof SUITE_METHODS)[number];

export interface SuiteSettings {
  method: SuiteMethodName;
  logistic: LogisticConfig;
  massMean: MassMeanConfig;
  lda: LdaConfig;
  ridge: RidgeConfig;
  ccs: CcsConfig;
  layerSweep: Omit<LayerSweepConfig, 'logistic'>;
  /** Columns of the layer × setting grid: logistic at each C, LDA at each shrinkage (none when empty). */
  probeSweep: {
    Cs: number[];
    ldaShrinkages: number[];
    folds: number;
    seed: number;
    selectBy: 'accuracy' | 'logLoss' | 'auroc';
  };
  regularizationPath: { cMin: number; cMax: number; count: number; folds: number; seed: number };
  evaluation: { bootstrap: BootstrapOptions; histogramBins: number; reliabilityBins: number; platt: boolean };
}

export const DEFAULT_SUITE_SETTINGS: SuiteSettings = {
  method: 'logistic',
  logistic: DEFAULT_LOGISTIC,
  massMean: DEFAULT_MASS_MEAN,
  lda: DEFAULT_LDA,
  ridge: DEFAULT_RIDGE,
  ccs: DEFAULT_CCS,
  layerSweep: DEFAULT_LAYER_SWEEP,
  probeSweep: { Cs: [0.01, 0.1, 1, 10], ldaShrinkages: [], folds: 5, seed: 0, selectBy: 'accuracy' },
  regularizationPath: {
    cMin: DEFAULT_C_GRID[0],
    cMax: DEFAULT_C_GRID[DEFAULT_C_GRID.length - 1],
    count: DEFAULT_C_GRID.length,
    folds: 5,
    seed: 0,
  },
  evaluation: {
    bootstrap: { samples: 1000, seed: 0, level: 0.95 },
    histogramBins: 40,
    reliabilityBins: 10,
    platt: false,
  },
};
