// The sparse-autoencoder jobs' specs, progress columns and result summary.
import type { CheckpointPolicy } from '../core/sae/checkpoint';
import type { SaeConfig } from '../core/sae/config';
import type { DensityHistogram } from '../core/sae/histograms';
import type { Histogram } from '../core/stats/histogram';
import type { ReconstructionMetrics } from '../core/sae/metrics';
import type { SaeWeights } from '../core/sae/params';
import type { LoopStop } from '../core/sae/train-loop';
import type { ArrayRef } from './files';
import type { SplitRef } from './split';

/** Metadata the feature browser shows beside each latent's top rows (same row order as the activations). */
export interface SaeBrowserSpec {
  text?: ArrayRef;
  labels?: ArrayRef;
  classNames?: string[];
  /** Top-activating rows kept per latent. */
  topN?: number;
}

export interface SaeTrainSpec {
  activations: ArrayRef;
  /** 'shuffle-columns': the sanity control, each dimension permuted independently (seeded by config.seed). */
  transform: 'none' | 'shuffle-columns';
  config: SaeConfig;
  /**
   * Held-out rows: the dataset's split (the Data panel's, shared by every method); absent: a seeded random split
   * from config.heldOutFraction and config.seed (the CLI's default).
   */
  split?: SplitRef;
  /** Planted ground-truth dictionary [n, d] (e.g. planted_dictionary.npy) for MMCS. */
  groundTruth?: ArrayRef;
  browser?: SaeBrowserSpec;
  /** When to checkpoint (default DEFAULT_CHECKPOINT_POLICY); a checkpoint is also taken on pause. */
  checkpoint?: CheckpointPolicy;
  /** An encoded checkpoint (core/sae/checkpoint) of this run to continue from, instead of a fresh init. */
  resumeFrom?: ArrayBuffer;
}

export interface SaeEvalSpec {
  activations: ArrayRef;
  /** An imported dictionary (core/sae/import readSae), taking raw activations (its inputNorm applied per row). */
  dictionary: SaeWeights;
  /** Held-out fraction and seed for the split the metrics are reported on (when `split` is absent). */
  heldOutFraction: number;
  seed: number;
  /** The dataset's split, as for training. */
  split?: SplitRef;
  groundTruth?: ArrayRef;
  browser?: SaeBrowserSpec;
}

/** One progress point per step, columnar and transferable; NaN where a value is undefined (test off-eval-steps). */
export const SAE_PROGRESS_FIELDS = [
  'step',
  'rowsSeen',
  'lr',
  'sparsity',
  'k',
  'loss',
  'aux',
  'gradNorm',
  'trainMse',
  'testMse',
  'trainFvu',
  'testFvu',
  'trainL0',
  'testL0',
  'trainL1',
  'testL1',
  'trainCosine',
  'testCosine',
  'deadFraction',
  'deadWindowRows',
] as const;
export type SaeProgressField = (typeof SAE_PROGRESS_FIELDS)[number];

export interface FeatureBrowserData {
  /** Rows the statistics cover (all rows, train and held-out). */
  rows: number;
  fires: Float64Array;
  maxAct: Float64Array;
  meanAct: Float64Array;
  topN: number;
  /** [m, topN] row indices (−1 empty) and activations, descending. */
  topRows: Int32Array;
  topValues: Float32Array;
  /** [m, bins] counts of activation/maxAct in (0, 1]. */
  bins: number;
  histograms: Float32Array;
  /** [m, neighbours] nearest decoder rows by cosine. */
  neighbours: number;
  neighbourIndex: Int32Array;
  neighbourCosine: Float32Array;
  classes?: string[];
  /** [m, classes] label counts among the top rows; purity = largest share (null: no top rows). */
  labelCounts?: Int32Array;
  purity?: Array<number | null>;
  /** Text and label of every row that appears in some top list. */
  rowText?: Record<number, string>;
  rowLabel?: Record<number, string>;
  /** Why row texts or labels asked for are not shown (their row count differs from the activations'). */
  notes?: string[];
}

export interface SaeResultSummary {
  kind: 'trained' | 'evaluated';
  architecture: SaeWeights['architecture'];
  dIn: number;
  dSae: number;
  k: number | null;
  config?: SaeConfig;
  implementation: string;
  stop: LoopStop;
  steps: number;
  elapsedMs: number;
  trainRows: number;
  testRows: number;
  /** Activation scale s used in training (folded into the export); metrics are in units of s·x. */
  scale: number;
  /** Inference-mode metrics on (up to 4096) training rows and on every held-out row. */
  train: ReconstructionMetrics;
  test: ReconstructionMetrics;
  /** Per-latent firing counts on held-out rows, and the log10-density histogram. */
  testFires: Float64Array;
  density: DensityHistogram;
  /** Dead fraction on the training stream (no firing in the last deadWindowRows rows); null when evaluated only. */
  deadFraction: number | null;
  deadWindowRows: number | null;
  liveLatents: number;
  /** Latents firing on more than 1% of held-out rows: the sanity-baseline comparison count. */
  frequentLatents: number;
  decoderNorms: Float64Array;
  decoderNormHistogram: Histogram;
  mmcs?: { mmcs: number; found: number; threshold: number; trueFeatures: number };
  weights: SaeWeights;
  saeLens: { cfgJson: string; safetensors: Uint8Array };
  /** Present when the spec asked for a feature browser (a full encoding pass over every row). */
  features?: FeatureBrowserData;
}
