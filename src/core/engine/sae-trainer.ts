// The SAE trainer interface the job drives, implemented with tfjs ops (portable, CPU or WebGPU) and with raw
// WGSL kernels (fast path). Inputs are host f32 rows already normalised; arithmetic on device is f32.
import type { SaeTrainerState } from '../sae/checkpoint';
import type { SaeArchitecture } from '../sae/config';
import type { MetricSums } from '../sae/metrics';
import type { SaeParams } from '../sae/params';

export interface SaeShape {
  architecture: SaeArchitecture;
  dIn: number;
  dSae: number;
}

/** Everything that may change between steps without touching the weights. */
export interface SaeHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** relu: λ (decoder-norm-weighted L1); jumprelu: λ on L0. */
  sparsity: number;
  k: number;
  auxK: number;
  auxKCoefficient: number;
  /** Clip of the global gradient norm (core/sae/grad-clip.ts); null = off. */
  gradClip: number | null;
  /** BatchTopK's θ estimate (core/sae/architecture.ts nextBatchThreshold): EMA weight and warm-up steps. */
  thresholdEmaBeta: number;
  thresholdStartStep: number;
  bandwidth: number;
}

export interface StepResult {
  /** Loss terms at the parameters the step started from (f32 on device, summed in f64 on the host). */
  mse: number;
  aux: number;
  loss: number;
  gradNorm: number;
  /** This batch's reconstruction sums (training metrics) at the pre-step parameters. */
  sums: MetricSums;
  /** False when a loss or gradient was not finite: no update was applied, the weights are the last good ones. */
  finite: boolean;
}

export interface SaeTrainer {
  readonly shape: SaeShape;
  readonly implementation: string;
  /** Adam steps applied. */
  readonly steps: number;
  /** One Adam step on rows x [rows, dIn]; `dead` marks latents AuxK may use (1 = dead). */
  step(x: Float32Array, rows: number, hyper: SaeHyper, dead?: Uint8Array): Promise<StepResult>;
  /** Inference-mode sums (BatchTopK uses its threshold, as exported) on x, no update. */
  evaluate(x: Float32Array, rows: number, k: number): Promise<MetricSums>;
  /** Inference-mode codes f [rows, dSae]. */
  encode(x: Float32Array, rows: number, k: number): Promise<Float32Array>;
  /** Current parameters (in the normalised space), threshold included for batchtopk/jumprelu. */
  read(): Promise<SaeParams>;
  /** Parameters, Adam moments and counters exactly as held (for a checkpoint; the trainer's restore takes it back). */
  exportState(): Promise<SaeTrainerState>;
  dispose(): void;
}

/** One member of a group step: its trainer and what its own step() would get. */
export interface SaeGroupMember {
  trainer: SaeTrainer;
  hyper: SaeHyper;
  dead?: Uint8Array;
}

/**
 * Steps several of an engine's trainers on the same rows together (a sweep's members on one stream): the batch
 * goes to the device once, and the engine may fuse work across members of one shape. Each result, in member
 * order, is what that trainer's own step() on these rows would have returned, and leaves it in the same state.
 */
export interface SaeStepGroup {
  step(x: Float32Array, rows: number, members: SaeGroupMember[]): Promise<StepResult[]>;
  dispose(): void;
}
