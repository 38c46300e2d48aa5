// The messages between the UI and the training worker. Both sides send only through the `post` helpers typed by
// these unions, and every handler switches exhaustively over `type`.
import type { EngineInfo, EnginePreference } from '../core/engine/engine';
import type { BudgetOverrides } from '../core/formats/budgets';
import type { ChangeEffect, SaeConfig } from '../core/sae/config';
import type { GridPoint } from '../core/sweep/grid';
import type { FileId, FileSummary } from './files';
import type { StreamedSweepCell } from './probe-suite';
import type { JobResult, JobSpec, JobStartInfo } from './jobs';

export interface ErrorReport {
  /** File the problem is in, when it is about a file. */
  file?: string;
  message: string;
  /** 'info' for recoveries the user should know about (device recreated, run restarted); default 'error'. */
  level?: 'error' | 'info';
}

/** Faults a test (or a curious user) can inject to check recovery. */
export type InjectedFault = 'device-lost' | 'worker-crash';

export type ToWorker =
  | { type: 'init'; preference: EnginePreference }
  /** Restart the worker's engine on another preference (the page's engine setting); answered by 'ready'. */
  | { type: 'set-engine'; preference: EnginePreference }
  | { type: 'load-file'; fileId: FileId; file: Blob; name: string }
  /** Raised (or lowered) file-reader budgets for files loaded from now on (the page's ?budget= parameter). */
  | { type: 'set-budgets'; budgets: BudgetOverrides }
  | { type: 'forget-file'; fileId: FileId }
  /**
   * Start a job in a lane (one per owner on the page, e.g. a method's tab): a newer job in the same lane supersedes
   * it; jobs of other lanes are never cancelled by it and share the device with it.
   */
  | { type: 'train'; jobId: number; lane: string; spec: JobSpec }
  | { type: 'cancel'; jobId: number }
  /** A live edit of a running SAE job's config; answered by 'job-updated' (continue: applied; restart: not applied). */
  | { type: 'update-job'; jobId: number; config: SaeConfig }
  /** Pause a running SAE job: it checkpoints ('sae-checkpoint' with paused: true), then ends as cancelled. */
  | { type: 'pause-job'; jobId: number }
  /** Live control of a running SAE sweep: stop one member, or add a grid point (it gets the next member id). */
  | { type: 'sweep-control'; jobId: number; stop?: number; add?: GridPoint }
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
  /** A probe-sweep cell, sent as soon as it is done (the grid fills in while the sweep runs). */
  | { type: 'sweep-cell'; jobId: number; cell: StreamedSweepCell }
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

export function assertNever(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}
