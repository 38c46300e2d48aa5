// The anomaly-detector tab: detector settings, its result, and distribution fits of its scores (a side job in its
// own lane, so fitting never stops a detector run or the other way round).

import type { CovarianceEstimator } from '../../core/detect/mahalanobis';
import type { AnalysisSpec, DetectorResult, DistributionResult } from '../../protocol';
import { JobSlot } from '../jobs/job-slot.svelte';
import type { DataContext, JobPort } from '../methods/method';
import { AnalysisMethod, type AnalysisData } from './analysis-method.svelte';

export class DetectorMethod extends AnalysisMethod<DetectorResult> {
  settings = $state({
    method: 'mahalanobis' as 'mahalanobis' | 'knn-cosine' | 'probe-range',
    estimator: 'ledoit-wolf' as CovarianceEstimator,
    k: 10,
    standardize: true,
    /** Extra tensors of the activations' file scored as further layers (same rows), combined by standardized sum. */
    extraLayerKeys: [] as string[],
  });
  readonly fitSlot = new JobSlot('detector-fit');
  fits = $state.raw<{ title: string; values: Float64Array; result: DistributionResult } | null>(null);

  constructor() {
    super('detector', 'Anomaly detector', 'detector');
  }

  missing(data: DataContext): string | null {
    return super.missing(data) ?? (data.labels ? null : 'choose labels (0 = trusted, anything else = untrusted)');
  }

  protected analysis(data: AnalysisData): AnalysisSpec {
    const s = this.settings;
    return {
      kind: 'detector',
      layers: [
        { name: data.activations.key || 'activations', activations: data.activations },
        ...s.extraLayerKeys
          .filter((k) => k !== data.activations.key)
          .map((key) => ({ name: key, activations: { fileId: data.activations.fileId, key } })),
      ],
      untrusted: data.labels!,
      split: data.split,
      method: s.method,
      estimator: s.estimator,
      k: s.k,
      standardize: s.standardize,
    };
  }

  /** Fits Gaussian, exponential and a two-Gaussian mixture to values from a histogram (e.g. detector scores). */
  fitDistributions(port: JobPort, title: string, values: Float64Array, seed = 0): void {
    const kept = Float64Array.from(values);
    port.send(
      this.fitSlot,
      { method: 'analysis', analysis: { kind: 'distribution', values: Float64Array.from(values), seed } },
      {
        done: (r) => {
          if (r.method === 'analysis' && r.result.kind === 'distribution')
            this.fits = { title, values: kept, result: r.result };
        },
      },
    );
  }
}
