// The concept-erasure tab: LEACE settings and the latest erasure check. The retrained probe uses the logistic
// tab's settings.

import type { LogisticConfig } from '../../core/probes/logistic';
import type { AnalysisSpec, ErasureResult } from '../../protocol';
import type { DataContext } from '../methods/method';
import { AnalysisMethod, type AnalysisData } from './analysis-method.svelte';

export class ErasureMethod extends AnalysisMethod<ErasureResult> {
  settings = $state({ positiveClass: '', shrinkage: true });

  constructor(private readonly probe: () => LogisticConfig) {
    super('erasure', 'Concept erasure', 'erasure');
  }

  missing(data: DataContext): string | null {
    return super.missing(data) ?? (data.labels ? null : 'choose the labels of the concept to erase');
  }

  /** The concept's classes, as the last run named them (the Concept select offers "is <class>"). */
  get classes(): string[] {
    return this.slot.info?.classes.length ? this.slot.info.classes : (this.result?.classes ?? []);
  }

  protected analysis(data: AnalysisData): AnalysisSpec {
    return {
      kind: 'erasure',
      activations: data.activations,
      labels: data.labels!,
      classNames: data.classNames,
      positiveClass: this.settings.positiveClass || undefined,
      split: data.split,
      shrinkage: this.settings.shrinkage,
      probe: this.probe(),
    };
  }
}
