// The probe suite's settings, extra data choices (contrast pairs, layers, an imported probe) and latest result,
// and how they become a job spec from the workbench's activations, labels and split.

import { DEFAULT_SUITE_SETTINGS, type SuiteSettings } from '../probe-views/suite-settings';
import { logspace } from '../../core/probes/regularization-path';
import type { ProbeSuiteResult, SuiteDataRefs, SuiteEvalOptions, SuiteSplit } from '../../jobs/probe-suite-job';
import type { ArrayRef, FileSummary, JobSpec } from '../../protocol';
import { layerChoices, defaultContrastPair, type LayerChoice } from './suite-data';

export interface SuiteDataChoice {
  activations: ArrayRef | null;
  labels: ArrayRef | null;
  classNames?: string[];
  split: SuiteSplit;
  files: FileSummary[];
}

export class SuiteState {
  settings = $state<SuiteSettings>(structuredClone(DEFAULT_SUITE_SETTINGS));
  /** CCS contrast pairs; null: the keys named x_plus / x_minus, when a file has them. */
  xPlus = $state<ArrayRef | null>(null);
  xMinus = $state<ArrayRef | null>(null);
  /** A probe file (as exported by Probelab) to apply to the activations. */
  probeFile = $state.raw<{ name: string; bytes: Uint8Array } | null>(null);
  result = $state.raw<ProbeSuiteResult | null>(null);

  /** The contrast pair in use: the user's choice, else the default keys. */
  pair(files: FileSummary[]): { xPlus: ArrayRef | null; xMinus: ArrayRef | null } {
    const d = defaultContrastPair(files);
    return { xPlus: this.xPlus ?? d.xPlus, xMinus: this.xMinus ?? d.xMinus };
  }

  /** The per-layer tensors a layer sweep or transfer matrix uses. */
  layers(data: Pick<SuiteDataChoice, 'files' | 'activations'>): LayerChoice[] {
    return layerChoices(data.files, data.activations);
  }

  /** Why the chosen method cannot run with the current data, or null. */
  missing(data: SuiteDataChoice): string | null {
    const m = this.settings.method;
    if (m === 'ccs') {
      const p = this.pair(data.files);
      return p.xPlus && p.xMinus ? null : 'choose x_plus and x_minus (contrast pairs)';
    }
    if (m === 'apply-probe') return !this.probeFile ? 'choose a probe file' : data.activations ? null : 'choose activations';
    if (!data.activations) return 'choose activations';
    if (!data.labels) return m === 'ridge' ? 'choose numeric targets (the labels select)' : 'choose labels';
    if ((m === 'layer-sweep' || m === 'transfer') && this.layers(data).length < 2) return 'a sweep needs ≥ 2 layers: an [L, N, D] tensor or several [N, D] tensors with the same N';
    return null;
  }

  spec(data: SuiteDataChoice): JobSpec {
    const s = this.settings;
    const evalOpts: SuiteEvalOptions = { ...s.evaluation };
    const refs = (): SuiteDataRefs => ({ activations: data.activations!, labels: data.labels!, classNames: data.classNames, split: data.split });
    const suite = (x: Extract<JobSpec, { method: 'suite' }>['suite']): JobSpec => ({ method: 'suite', suite: x });
    switch (s.method) {
      case 'logistic': return { method: 'logistic', data: { ...refs(), split: data.split as Extract<JobSpec, { method: 'logistic' }>['data']['split'] }, config: s.logistic };
      case 'mass-mean': return suite({ method: 'mass-mean', data: refs(), config: s.massMean, eval: evalOpts });
      case 'lda': return suite({ method: 'lda', data: refs(), config: s.lda, eval: evalOpts });
      case 'ridge': return suite({ method: 'ridge', data: { activations: data.activations!, targets: data.labels!, split: unstratified(data.split) }, config: s.ridge });
      case 'ccs': {
        const p = this.pair(data.files);
        return suite({ method: 'ccs', data: { xPlus: p.xPlus!, xMinus: p.xMinus!, labels: data.labels ?? undefined, split: data.split }, config: s.ccs, eval: evalOpts });
      }
      case 'layer-sweep': {
        const { activations: _, ...rest } = refs();
        return suite({
          method: 'layer-sweep', data: { ...rest, layers: this.layers(data).map((l) => ({ name: l.name, activations: l.ref })) },
          config: { ...s.layerSweep, logistic: s.logistic }, eval: evalOpts,
        });
      }
      case 'regularization-path': {
        const r = s.regularizationPath;
        return suite({
          method: 'regularization-path', data: refs(),
          config: { logistic: s.logistic, Cs: logspace(Math.log10(r.cMin), Math.log10(r.cMax), r.count), folds: r.folds, seed: r.seed }, eval: evalOpts,
        });
      }
      case 'transfer':
        return suite({
          method: 'transfer', config: s.logistic, metric: 'accuracy',
          sets: this.layers(data).map((l) => ({ name: l.name, data: { ...refs(), activations: l.ref } })),
        });
      case 'apply-probe':
        return suite({ method: 'apply-probe', probe: this.probeFile!, activations: data.activations!, labels: data.labels ?? undefined, classNames: data.classNames });
    }
  }

  accept(result: ProbeSuiteResult): void {
    this.result = result;
  }
}

/** Numeric targets cannot be stratified by class. */
function unstratified(split: SuiteSplit): SuiteSplit {
  return split.kind === 'random' ? { ...split, stratify: false } : split;
}
