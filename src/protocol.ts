// The one typed protocol between the UI and the training worker. Both sides send only through `post`
// helpers typed by these unions, and every handler switches exhaustively over `type`.

import type { EngineInfo } from './engine/engine';
import type { EnginePreference } from './engine/create-engine';
import type { LogisticConfig, SplitMetrics } from './core/probes/logistic';
import type { StopReason } from './core/optim/lbfgs';
import type { SplitSpec } from './core/split';
import type { AnalysisResult, AnalysisSpec } from './jobs/analysis-job';
import type { ProbeSuiteMethod, ProbeSuiteResult, ProbeSuiteSpec } from './jobs/probe-suite-job';
import type { SaeEvalSpec, SaeResultSummary, SaeTrainSpec } from './jobs/sae-job';
import type { ChangeEffect, SaeConfig } from './core/sae/config';

export type FileId = string;

/** A 1-D or 2-D array inside a loaded file: a tensor key, or a column of a table. */
export interface ArrayRef {
  fileId: FileId;
  key: string;
  /** For an [L, N, D] tensor: the layer (axis 0) to use as the [N, D] activations. */
  layer?: number;
  /**
   * For an [N, T, D] tensor: a token position, the mean or last token ([N, D]), or 'flatten' (N*T rows; the
   * labels then repeat per token, which the store does when the labels ref is aligned to these activations).
   */
  token?: number | 'mean' | 'last' | 'flatten';
  /** Drop activation rows holding NaN/Inf instead of refusing them (labels aligned to this ref drop the same rows). */
  dropNonFinite?: boolean;
  /** For labels: the activations they pair with, so they repeat per flattened token and drop the same rows. */
  alignTo?: Omit<ArrayRef, 'alignTo'>;
}

export interface TensorSummary {
  key: string;
  dtype: string;
  shape: number[];
}

export interface FileSummary {
  fileId: FileId;
  name: string;
  sizeBytes: number;
  /** Container format, e.g. 'npy', 'npz', 'safetensors', 'torch', 'hdf5', 'table', 'split', 'classes'. */
  kind: string;
  tensors: TensorSummary[];
  /** Table columns (CSV/JSONL) usable as labels or metadata. */
  columns: { name: string; numeric: boolean; rows: number }[];
  /** For a split file: the sizes of its index lists. */
  split?: { train: number; test: number };
  /** For a class-name list (e.g. lande_lang_classes.json). */
  classNames?: string[];
  /**
   * Tensors the scan at load found to hold NaN/Inf (absent or empty: none found), with counts, the number of rows
   * (along axis 0) affected and the first positions.
   */
  nonFinite?: {
    key: string; nan: number; posInf: number; negInf: number; rows: number;
    first: { row: number; col: number; kind: 'NaN' | '+Inf' | '-Inf' }[];
  }[];
  /** Tensors too large to scan at load; their non-finite values are reported when they are read. */
  unscanned?: string[];
}

/** Where the rows for a supervised method come from. */
export interface LabelledDataRefs {
  activations: ArrayRef;
  labels: ArrayRef;
  /** Names for integer label codes, in code order, when the labels are integer indices. */
  classNames?: string[];
  split: SplitSpec | { kind: 'file'; fileId: FileId };
}

/** Every job the worker runs, discriminated by method. */
export type JobSpec =
  | { method: 'logistic'; data: LabelledDataRefs; config: LogisticConfig }
  | { method: 'analysis'; analysis: AnalysisSpec }
  | { method: 'suite'; suite: ProbeSuiteSpec }
  | { method: 'sae-train'; sae: SaeTrainSpec }
  | { method: 'sae-eval'; sae: SaeEvalSpec };

export type JobMethod = JobSpec['method'];

/** What a job reports when it starts: the names of its progress columns and the sizes it trains on. */
export interface JobStartInfo {
  /** The job's method; a probe-suite job names its suite method (e.g. 'lda'). */
  method: JobMethod | ProbeSuiteMethod;
  fields: string[];
  trainRows: number;
  testRows: number;
  classes: string[];
}

export interface ErrorReport {
  /** File the problem is in, when it is about a file. */
  file?: string;
  message: string;
  /** 'info' for recoveries the user should know about (device recreated, run restarted); default 'error'. */
  level?: 'error' | 'info';
}

/** Faults a test (or a curious user) can inject to check recovery. */
export type InjectedFault = 'device-lost' | 'worker-crash';

/** A logistic job's progress point, columnar and transferable, in this field order. */
export const LOGISTIC_PROGRESS_FIELDS = [
  'iteration', 'objective', 'gradMax',
  'trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy', 'trainAuroc', 'testAuroc',
] as const;
export type LogisticProgressField = (typeof LOGISTIC_PROGRESS_FIELDS)[number];

export interface ProbeResultSummary {
  method: 'logistic';
  classes: string[];
  outputs: number;
  cols: number;
  /** W [cols, outputs] (standardized space), intercept [outputs], standardization mean/scale [cols]. */
  weights: Float64Array;
  intercept: Float64Array;
  mean: Float64Array;
  scale: Float64Array;
  train: SplitMetrics;
  test: SplitMetrics;
  iterations: number;
  reason: StopReason;
  /** Step at which the loss became NaN/Inf; the weights are the last finite ones. */
  divergedAt?: number;
  gradMax: number;
  lambdaMeanLoss: number;
  elapsedMs: number;
  trainRows: number;
  testRows: number;
}

export type ToWorker =
  | { type: 'init'; preference: EnginePreference }
  | { type: 'load-file'; fileId: FileId; file: Blob; name: string }
  | { type: 'forget-file'; fileId: FileId }
  | { type: 'train'; jobId: number; spec: JobSpec }
  | { type: 'cancel'; jobId: number }
  /** A live edit of a running SAE job's config; answered by 'job-updated' (continue: applied; restart: not applied). */
  | { type: 'update-job'; jobId: number; config: SaeConfig }
  /** Pause a running SAE job: it checkpoints ('sae-checkpoint' with paused: true), then ends as cancelled. */
  | { type: 'pause-job'; jobId: number }
  | { type: 'inject-fault'; fault: InjectedFault };

export type FromWorker =
  | { type: 'ready'; engine: EngineInfo }
  | { type: 'engine-error'; message: string }
  | { type: 'notice'; notice: ErrorReport }
  | { type: 'file-progress'; fileId: FileId; bytesDone: number; bytesTotal: number }
  | { type: 'file-loaded'; summary: FileSummary }
  | { type: 'file-error'; fileId: FileId; error: ErrorReport }
  | { type: 'job-started'; jobId: number; info: JobStartInfo }
  | { type: 'job-progress'; jobId: number; point: Float64Array }
  | { type: 'job-stage'; jobId: number; message: string }
  | { type: 'job-done'; jobId: number; result: JobResult }
  | { type: 'job-cancelled'; jobId: number }
  | { type: 'job-updated'; jobId: number; effect: ChangeEffect }
  /** An SAE training checkpoint (core/sae/checkpoint's format), transferred; `paused`: taken for a pause request. */
  | { type: 'sae-checkpoint'; jobId: number; step: number; paused: boolean; bytes: ArrayBuffer }
  | { type: 'job-error'; jobId: number; error: ErrorReport };

/** The minimal port both a Worker and a worker's global scope provide. */
export interface MessagePortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

export function postToWorker(port: MessagePortLike, message: ToWorker, transfer: Transferable[] = []): void {
  port.postMessage(message, transfer);
}

export function postFromWorker(port: MessagePortLike, message: FromWorker, transfer: Transferable[] = []): void {
  port.postMessage(message, transfer);
}

export type JobResult =
  | ProbeResultSummary
  | { method: 'analysis'; result: AnalysisResult }
  | { method: 'suite'; result: ProbeSuiteResult }
  | { method: 'sae'; result: SaeResultSummary };

/** Packs named values in the given field order; undefined metrics travel as NaN and arrive as null. */
export function packProgress<F extends string>(fields: readonly F[], values: Record<F, number | null>): Float64Array {
  return Float64Array.from(fields, (f) => values[f] ?? NaN);
}

export function assertNever(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}
