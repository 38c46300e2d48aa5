// The probe suite's settings (defined in core so run setups can carry them) and the method names the UI shows.

import type { SuiteMethodName } from '../runs/suite-settings';

export {
  DEFAULT_SUITE_SETTINGS,
  SUITE_METHODS,
  type SuiteMethodName,
  type SuiteSettings,
} from '../runs/suite-settings';

export const SUITE_METHOD_LABELS: Record<SuiteMethodName, string> = {
  logistic: 'Logistic (L2)',
  'mass-mean': 'Mass-mean (difference of means)',
  lda: 'LDA (shared covariance)',
  ridge: 'Ridge regression (continuous target)',
  ccs: 'CCS (contrast pairs)',
  'layer-sweep': 'Layer sweep (logistic per layer)',
  'probe-sweep': 'Probe sweep (layer × C grid, shared CV folds)',
  'regularization-path': 'Regularization path (k-fold CV over C)',
  transfer: 'Transfer matrix (train on each set, evaluate on each)',
  'apply-probe': 'Apply an imported probe file',
};
