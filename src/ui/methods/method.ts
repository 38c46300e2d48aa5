// What every method on the page is to the workbench: a state class that owns its settings, its job slot, its
// latest result and how it is kept as a run. The workbench holds them in a map keyed by method id and never asks
// which method it is talking to.

import type { ChangeEffect } from '../../core/sae/config';
import type {
  ArrayRef,
  ErrorReport,
  FileSummary,
  JobResult,
  JobSpec,
  SplitRef,
  StreamedSweepCell,
  ToWorker,
} from '../../protocol';
import type { JobSlot } from '../jobs/job-slot.svelte';
import type { RunRecord, RunResult } from '../runs/run-record';
import type { NamedRef, RunSetup, SetupData, SetupSplit } from '../runs/run-setup';
import type { ProgressColumns } from '../progress-columns';
import { stableKey } from '../runs/run-key';

export const METHOD_IDS = ['logistic', 'suite', 'sae', 'detector', 'erasure', 'pca', 'stats'] as const;
export type MethodId = (typeof METHOD_IDS)[number];

/** The Data panel's choices as a method sees them (its own split: the dataset's, or its override). */
export interface DataContext {
  files: FileSummary[];
  activations: ArrayRef | null;
  labels: ArrayRef | null;
  /** Names of integer label codes, from the class-name file chosen with these labels. */
  classNames?: string[];
  split: SplitRef;
  /** A text column with one entry per activation row (row metadata), or null when none is attached. */
  rowText: ArrayRef | null;
  /** Rows of the chosen activations (null: none chosen). */
  rows: number | null;
  /** The same choices by file name (a colleague's or a reloaded page's files have other ids). */
  setupSplit: SetupSplit;
  setupData: SetupData;
  named(ref: ArrayRef | null | undefined): NamedRef | undefined;
}

/** A finished job to keep in the run history. */
export interface RunDraft {
  name: string;
  setup: RunSetup;
  result: RunResult;
  progress: ProgressColumns;
}

/** What a sent job's owner hears back; messages of superseded jobs never arrive here. */
export interface JobHandlers {
  done(result: JobResult): void;
  /** Stopped without a result: stopped, paused, superseded, or the worker went away. */
  stopped?(): void;
  failed?(message: string): void;
  /** The answer to a live edit of the running job. */
  updated?(effect: ChangeEffect): void;
  /** An SAE checkpoint of the running job. */
  checkpoint?(m: { jobId: number; step: number; paused: boolean; bytes: ArrayBuffer }): void;
  /** A probe-sweep cell of the running job, as soon as it is done. */
  cell?(cell: StreamedSweepCell): void;
}

/** The workbench as a method sees it: sending jobs in its slots, and keeping runs. */
export interface JobPort {
  /** Sends `spec` in the slot's lane (superseding that slot's job, no other); returns the job id. */
  send(slot: JobSlot, spec: JobSpec, handlers: JobHandlers, carry?: ProgressColumns): number;
  /** A control message for a running job (live edit, pause, cancel). */
  post(message: ToWorker): void;
  keep(draft: RunDraft): void;
  notify(report: ErrorReport): void;
  /** Whether the engine is up (jobs can start). */
  readonly ready: boolean;
}

export interface MethodState {
  readonly id: MethodId;
  /** The tab's label. */
  readonly label: string;
  /** The method's own job; its lane in the worker is the method id. */
  readonly slot: JobSlot;
  /** After the first explicit run, settings changes rerun the method (latest wins). */
  live: boolean;
  /** False for long runs (SAE): they start on a click, and edits reach the running job instead. */
  readonly rerunsOnChange: boolean;
  /** The key of the spec behind the result shown (null: no result): a different current key marks it stale. */
  resultKey: string | null;
  readonly hasResult: boolean;
  /** Why the method cannot run with this data yet, or null. */
  missing(data: DataContext): string | null;
  /** The job to run now (null while something is missing). */
  spec(data: DataContext): JobSpec | null;
  /** Takes a finished job's result; returns what to keep as a run, or null when it is not kept. */
  accept(result: JobResult, data: DataContext): RunDraft | null;
  /** The setup to share by URL or store with a run (null: this method's runs are not kept). */
  setup(data: DataContext): RunSetup | null;
  /** Applies a shared or stored setup when it is this method's; true when it was. */
  applySetup(setup: RunSetup): boolean;
  /**
   * Shows a kept run's stored result again, with its settings, without retraining; true when it is this method's
   * and it can (absent: the method's runs can only be loaded as a setup).
   */
  showRun?(run: RunRecord): boolean;
  /** What else the method hears of a job it is sending (a sweep's cells as they finish); absent: only its result. */
  follow?(spec: JobSpec): Pick<JobHandlers, 'cell'>;
  /** Runs the method its own way (SAE: checkpoints, resume); absent: the standard run below. */
  run?(port: JobPort, data: DataContext): void;
}

/** Runs a method: its spec in its slot; the result is taken, marked with the spec's key, and kept as a run. */
export function runMethod(method: MethodState, port: JobPort, data: DataContext): void {
  if (method.run) return method.run(port, data);
  const spec = method.spec(data);
  if (!spec || !port.ready) return;
  method.live = true;
  const key = stableKey(spec);
  port.send(method.slot, spec, {
    ...method.follow?.(spec),
    done: (result) => {
      method.resultKey = key;
      const draft = method.accept(result, data);
      if (draft) port.keep(draft);
    },
  });
}
