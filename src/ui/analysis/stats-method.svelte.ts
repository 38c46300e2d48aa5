// The dataset tab: per-dimension statistics and row norms of the chosen activations.

import type { AnalysisSpec, StatsResult } from '../../protocol';
import { AnalysisMethod, type AnalysisData } from './analysis-method.svelte';

export class StatsMethod extends AnalysisMethod<StatsResult> {
  constructor() {
    super('stats', 'Dataset', 'stats');
  }

  protected analysis(data: AnalysisData): AnalysisSpec {
    return { kind: 'stats', activations: data.activations };
  }
}
