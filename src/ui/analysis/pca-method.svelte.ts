// The PCA tab: components, the plotted pair, sampling, hover texts and colouring, and the latest projection.

import type { AnalysisSpec, ArrayRef, PcaResult } from '../../protocol';
import { AnalysisMethod, type AnalysisData } from './analysis-method.svelte';

export class PcaMethod extends AnalysisMethod<PcaResult> {
  settings = $state({
    components: 10,
    pairA: 0,
    pairB: 1,
    maxPoints: 4000,
    seed: 0,
    standardize: true,
    /** Hover text column; null: the Data panel's row metadata text, when one is attached. */
    metadata: null as ArrayRef | null,
    colourByLabels: true,
  });

  constructor() {
    super('pca', 'PCA', 'pca');
  }

  protected analysis(data: AnalysisData): AnalysisSpec {
    const s = this.settings;
    return {
      kind: 'pca',
      activations: data.activations,
      metadata: s.metadata ?? data.rowText ?? undefined,
      labels: s.colourByLabels && data.labels ? data.labels : undefined,
      classNames: s.colourByLabels && data.labels ? data.classNames : undefined,
      components: s.components,
      pair: [s.pairA, s.pairB],
      maxPoints: s.maxPoints,
      seed: s.seed,
      standardize: s.standardize,
    };
  }
}
