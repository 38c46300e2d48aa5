// The engine interface: the few GPU workloads training needs, at the granularity a fused kernel would take.
// Implementations: tfjs (WebGPU or CPU backend) and raw WGSL. Callers never import tfjs directly, so any
// workload can move to hand-written kernels without touching the training code.

import type { SaeTrainerState } from '../sae/checkpoint';
import type { SaeParams } from '../sae/params';
import type { SaeShape, SaeStepGroup, SaeTrainer } from './sae-trainer';

export type BackendKind = 'webgpu' | 'cpu';

/**
 * 'webgpu': a GPU was found and used. 'no-webgpu': none was available (no navigator.gpu, no adapter, no device).
 * 'device-lost': the GPU device was lost and no new one could be created. 'user-choice': the CPU was asked for.
 */
export type EngineReason = 'webgpu' | 'no-webgpu' | 'device-lost' | 'user-choice';

/**
 * 'auto': WGSL on WebGPU, else CPU. 'webgpu': WGSL on WebGPU or fail. 'tfjs-webgpu': tfjs's own WebGPU
 * kernels or fail (the reference for tests and benchmark comparisons). 'cpu': tfjs's CPU backend.
 */
export type EnginePreference = 'auto' | 'webgpu' | 'tfjs-webgpu' | 'cpu';

export interface EngineInfo {
  backend: BackendKind;
  /** Which implementation runs the workloads, e.g. 'tfjs-webgpu', 'tfjs-cpu', 'wgsl'. */
  implementation: string;
  /** Adapter vendor/architecture/description as WebGPU reports it; empty on CPU. */
  adapter: string;
  /** Why WebGPU is not in use, when it is not. */
  fallbackReason?: string;
  /** Why this engine runs, in a word a page or a script can branch on; the text is in fallbackReason. */
  reason?: EngineReason;
  /** Precision of the arithmetic, stated in the UI and in exported reports. */
  precision: 'f32';
  /**
   * The f64 kernels under the host's eigensolver and products (e.g. 'wasm-simd-f64-fma': WebAssembly SIMD with
   * fused multiply-adds, the same build the CPU engine's kernels use; 'js-f64' without WebAssembly SIMD).
   */
  hostKernels?: string;
  /** The device's buffer limits (WebGPU only): what a sweep checks its members against before it starts. */
  limits?: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

/** An [rows, cols] f32 matrix resident on the engine's device. */
export interface DeviceMatrix {
  readonly rows: number;
  readonly cols: number;
  dispose(): void;
}

/**
 * Loss and gradient of a linear softmax/sigmoid model over all rows of X (full batch), computed on device.
 * Parameters are packed as W [cols, outputs] row-major, then b [outputs].
 * outputs = 1: binary logistic, loss_i = softplus(z_i) − y_i z_i with y_i ∈ {0, 1}.
 * outputs = K ≥ 2: multinomial, loss_i = logsumexp(z_i) − z_i[y_i] with y_i ∈ {0..K−1}.
 * loss = Σ_i s_i · loss_i (a sum, so the caller's penalty ‖W‖²/(2C) matches scikit-learn's objective);
 * s_i are per-row weights (1 when absent). Penalties are the caller's, added in f64 on the host.
 */
export interface LinearObjective {
  readonly rows: number;
  readonly cols: number;
  readonly outputs: number;
  evaluate(params: Float32Array): Promise<{ loss: number; grad: Float32Array }>;
  dispose(): void;
}

/** How Engine.saeTrainer starts: fresh parameters, a checkpoint's state, or fixed weights to evaluate. */
export type SaeTrainerStart =
  | { params: SaeParams }
  | { resume: SaeTrainerState }
  /** An imported dictionary: evaluate and encode only, with the decoder kept exactly as given. */
  | { evaluate: SaeParams };

export interface Engine {
  readonly info: EngineInfo;
  /** The SAE trainer this engine runs (WGSL kernels on WebGPU, tfjs ops on the CPU backend). */
  saeTrainer(shape: SaeShape, start: SaeTrainerStart): SaeTrainer;
  /**
   * Group steps over this engine's trainers (a sweep's shared batches), where the engine has them. `fuse: false`
   * shares the batch but fuses no kernels (benchmarks measure what fusion adds).
   */
  saeStepGroup?(opts?: { fuse?: boolean }): SaeStepGroup;
  uploadMatrix(data: Float32Array, rows: number, cols: number): DeviceMatrix;
  linearObjective(x: DeviceMatrix, targets: Int32Array, outputs: number, rowWeights?: Float32Array): LinearObjective;
  /** z = X W + b for packed params, returned as [rows, outputs] row-major. */
  linearScores(x: DeviceMatrix, params: Float32Array, outputs: number): Promise<Float32Array>;
  /**
   * Centred second moments of all rows about a host-computed mean μ (covariance, PCA, Ledoit-Wolf, LEACE):
   * scatter = (X − μ)ᵀ(X − μ) [cols×cols] and sumNormFourth = Σ_k ‖x_k − μ‖⁴. f32 on the device, summed in f64
   * on the host over row chunks so accumulation error does not grow with N.
   */
  centredGram(x: DeviceMatrix, mean: Float64Array): Promise<CentredGram>;
  /** q_k = (x_k − μ)ᵀ M (x_k − μ) for every row (squared Mahalanobis distance when M is a precision), f32. */
  rowQuadraticForm(x: DeviceMatrix, mean: Float64Array, m: Float64Array): Promise<Float32Array>;
  /**
   * Per query row, the mean cosine distance (1 − cos) to its k nearest trusted rows, f32 (the cosines are f32
   * device arithmetic; averaging k of them adds nothing worth f64). Rows are unit-normalised on the device, a
   * zero row has cosine 0 to everything. trusted and query may be the same matrix. Works in [query × trusted]
   * tiles with a running top-k, so memory stays bounded whatever the row counts.
   */
  knnCosine(trusted: DeviceMatrix, query: DeviceMatrix, k: number, options?: KnnCosineOptions): Promise<Float32Array>;
  dispose(): void;
}

export interface KnnCosineOptions {
  /**
   * Original row ids of the trusted and the query rows (distinct within each side): a query skips trusted rows
   * with its own id, so the trusted rows can be scored against themselves without each finding itself at
   * distance 0. k must then leave one trusted row spare.
   */
  excludeSelf?: { trustedIds: Int32Array; queryIds: Int32Array };
  /** Rows per tile on each side; the defaults bound a tile to 16 MB (tests force several small tiles). */
  blockRows?: { query: number; trusted: number };
}

export interface CentredGram {
  scatter: Float64Array;
  sumNormFourth: number;
}

export function packedParamCount(cols: number, outputs: number): number {
  return cols * outputs + outputs;
}
