// Settings and latest results of the analysis methods (detector, erasure, PCA, distribution fits), and how
// each becomes a job spec from the workbench's current data choices.

import type { SplitRef } from '../../protocol';
import type { CovarianceEstimator } from '../../core/detect/mahalanobis';
import type { LogisticConfig } from '../../core/probes/logistic';
import type { ArrayRef } from '../../protocol';
import type {
  AnalysisResult,
  AnalysisSpec,
  DetectorResult,
  ErasureResult,
  PcaResult,
  DistributionResult,
  StatsResult,
  SvdResult,
} from '../../protocol';

export type AnalysisKind = 'detector' | 'erasure' | 'pca' | 'stats';

export interface DataChoice {
  activations: ArrayRef;
  labels: ArrayRef | null;
  classNames?: string[];
  split: SplitRef;
  probe: LogisticConfig;
}

export class AnalysisState {
  detector = $state({
    method: 'mahalanobis' as 'mahalanobis' | 'knn-cosine' | 'probe-range',
    estimator: 'ledoit-wolf' as CovarianceEstimator,
    k: 10,
    standardize: true,
    /** Extra tensors of the activations' file scored as further layers (same rows), combined by standardized sum. */
    extraLayerKeys: [] as string[],
  });
  erasure = $state({ positiveClass: '', shrinkage: true });
  pca = $state({
    components: 10,
    pairA: 0,
    pairB: 1,
    maxPoints: 4000,
    seed: 0,
    standardize: true,
    metadata: null as ArrayRef | null,
    colourByLabels: true,
  });
  detectorResult = $state.raw<DetectorResult | null>(null);
  erasureResult = $state.raw<ErasureResult | null>(null);
  pcaResult = $state.raw<PcaResult | null>(null);
  statsResult = $state.raw<StatsResult | null>(null);
  /** The latest SVD of a weight matrix (a dictionary's decoder), with what it was of. */
  svd = $state.raw<{ title: string; result: SvdResult } | null>(null);
  private pendingSvdTitle = '';
  fits = $state.raw<{ title: string; values: Float64Array; result: DistributionResult } | null>(null);
  private pendingFitTitle = '';
  private pendingFitValues: Float64Array | null = null;

  /** Why a kind cannot run with the current data, or null when it can. */
  missing(kind: AnalysisKind, data: Partial<DataChoice>): string | null {
    if (!data.activations) return 'choose activations';
    if ((kind === 'detector' || kind === 'erasure') && !data.labels) {
      return kind === 'detector'
        ? 'choose labels (0 = trusted, anything else = untrusted)'
        : 'choose the labels of the concept to erase';
    }
    return null;
  }

  spec(kind: AnalysisKind, data: DataChoice): AnalysisSpec {
    switch (kind) {
      case 'detector':
        return {
          kind: 'detector',
          layers: [
            { name: data.activations.key || 'activations', activations: data.activations },
            ...this.detector.extraLayerKeys
              .filter((k) => k !== data.activations.key)
              .map((key) => ({ name: key, activations: { fileId: data.activations.fileId, key } })),
          ],
          untrusted: data.labels!,
          split: data.split,
          method: this.detector.method,
          estimator: this.detector.estimator,
          k: this.detector.k,
          standardize: this.detector.standardize,
        };
      case 'erasure':
        return {
          kind: 'erasure',
          activations: data.activations,
          labels: data.labels!,
          classNames: data.classNames,
          positiveClass: this.erasure.positiveClass || undefined,
          split: data.split,
          shrinkage: this.erasure.shrinkage,
          probe: data.probe,
        };
      case 'stats':
        return { kind: 'stats', activations: data.activations };
      case 'pca':
        return {
          kind: 'pca',
          activations: data.activations,
          metadata: this.pca.metadata ?? undefined,
          labels: this.pca.colourByLabels && data.labels ? data.labels : undefined,
          components: this.pca.components,
          pair: [this.pca.pairA, this.pca.pairB],
          maxPoints: this.pca.maxPoints,
          seed: this.pca.seed,
          standardize: this.pca.standardize,
        };
    }
  }

  /** A distribution-fit job for values shown in a histogram (e.g. detector scores). */
  fitSpec(title: string, values: Float64Array, seed = 0): AnalysisSpec {
    this.pendingFitTitle = title;
    this.pendingFitValues = values;
    return { kind: 'distribution', values: Float64Array.from(values), seed };
  }

  /** SVD of an inline weight matrix [rows × cols] (e.g. a decoder [d_sae × d_in]), computed in the worker. */
  svdSpec(title: string, values: Float32Array | Float64Array, rows: number, cols: number): AnalysisSpec {
    this.pendingSvdTitle = title;
    // The whole spectrum while the smaller side is small; the top 32 beyond (the Gram eigen-solve is cubic).
    const small = Math.min(rows, cols);
    return { kind: 'svd', weights: { rows, cols, values: Float64Array.from(values) }, k: small <= 256 ? small : 32 };
  }

  accept(result: AnalysisResult): void {
    switch (result.kind) {
      case 'detector':
        this.detectorResult = result;
        return;
      case 'erasure':
        this.erasureResult = result;
        return;
      case 'pca':
        this.pcaResult = result;
        return;
      case 'stats':
        this.statsResult = result;
        return;
      case 'distribution':
        if (this.pendingFitValues) this.fits = { title: this.pendingFitTitle, values: this.pendingFitValues, result };
        return;
      case 'svd':
        this.svd = { title: this.pendingSvdTitle, result };
        return;
    }
  }
}
