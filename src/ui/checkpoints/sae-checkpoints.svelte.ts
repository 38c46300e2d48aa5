// The page's side of SAE checkpoints: stores each checkpoint the worker sends (the last one per run, with the live
// config it was taken with and the curves so far), knows which run is in flight, and offers the others (paused,
// stopped, or interrupted by a crash or reload) for resume.

import { checkpointConfig, checkpointStep } from '../../core/sae/checkpoint';
import { copyProgress, type ProgressColumns } from '../progress-columns';
import type { FileSummary, JobSpec } from '../../protocol';
import { CheckpointStore, type CheckpointRecord } from './checkpoint-store';
import { resumeSpec, specFileIds } from './resume-spec';

interface Current {
  runKey: string;
  jobId: number;
  tag: string;
  spec: CheckpointRecord['spec'];
  files: Record<string, string>;
}

export class SaeCheckpoints {
  /** Stored checkpoints, newest first (the running run's included; `offers` leaves it out). */
  stored = $state.raw<CheckpointRecord[]>([]);
  /** Step of the running run's latest checkpoint (null: none yet). */
  lastStep = $state<number | null>(null);
  /** The run in flight, when it is an SAE training run. */
  current = $state.raw<Current | null>(null);
  /** Storage failures (quota, private mode) are reported here rather than thrown into the worker handler. */
  error = $state('');
  private readonly store: Promise<CheckpointStore | null>;
  /** Writes run one after another, so a delete never overtakes the put before it. */
  private queue: Promise<unknown> = Promise.resolve();
  private resumeKey: string | null = null;

  constructor(dbName = 'probelab-checkpoints') {
    this.store =
      typeof indexedDB === 'undefined'
        ? Promise.resolve(null)
        : CheckpointStore.open(dbName).catch((e) => {
            this.error = `checkpoints cannot be stored: ${(e as Error).message}`;
            return null;
          });
    void this.enqueue(async () => {});
  }

  /** Checkpoints of runs not in flight: what the page offers to resume. */
  get offers(): CheckpointRecord[] {
    return this.stored.filter((r) => r.runKey !== this.current?.runKey);
  }

  private enqueue(fn: (s: CheckpointStore) => Promise<void>): Promise<void> {
    const next = this.queue
      .then(async () => {
        const s = await this.store;
        if (!s) return;
        await fn(s);
        this.stored = await s.list();
      })
      .catch((e) => {
        this.error = `checkpoint storage failed: ${(e as Error).message}`;
      });
    this.queue = next;
    return next;
  }

  /** A job was sent: an SAE training run gets a run key (a resume keeps its run's key). */
  started(jobId: number, spec: JobSpec, tag: string, files: FileSummary[]): void {
    if (spec.method !== 'sae-train') {
      this.current = null;
      this.resumeKey = null;
      return;
    }
    const runKey = this.resumeKey ?? `sae-${Date.now()}-${jobId}`;
    this.resumeKey = null;
    const { resumeFrom, ...rest } = spec.sae;
    const names: Record<string, string> = {};
    for (const id of specFileIds(rest)) names[id] = files.find((f) => f.fileId === id)?.name ?? id;
    this.current = { runKey, jobId, tag, spec: rest, files: names };
    this.lastStep = resumeFrom ? checkpointStep(resumeFrom) : null;
  }

  /**
   * A checkpoint from the worker: replaces the run's stored one. Its spec takes the checkpoint's config, so edits
   * made during the run (k 16 → 24) are what a resume continues with; `progress` is the run's curves so far.
   */
  received(
    m: { jobId: number; step: number; paused: boolean; bytes: ArrayBuffer },
    progress?: ProgressColumns,
  ): Promise<void> {
    const c = this.current;
    if (!c || c.jobId !== m.jobId) return Promise.resolve();
    this.lastStep = m.step;
    const config = checkpointConfig(m.bytes);
    c.spec = { ...c.spec, config };
    const record: CheckpointRecord = {
      runKey: c.runKey,
      tag: c.tag,
      step: m.step,
      totalSteps: config.steps,
      savedAt: Date.now(),
      paused: m.paused,
      spec: c.spec,
      files: c.files,
      bytes: m.bytes,
      progress: progress && copyProgress(progress),
    };
    return this.enqueue((s) => s.put(record));
  }

  /** The run in flight finished: its checkpoint is no longer needed. */
  finished(): Promise<void> {
    const c = this.current;
    this.current = null;
    this.lastStep = null;
    return c ? this.enqueue((s) => s.delete(c.runKey)) : Promise.resolve();
  }

  /** The run in flight stopped without finishing (stop, pause, worker crash): its checkpoint is offered. */
  interrupted(): string | null {
    const key = this.current?.runKey ?? null;
    this.current = null;
    return key;
  }

  discard(runKey: string): Promise<void> {
    return this.enqueue((s) => s.delete(runKey));
  }

  /** The spec resuming `record` with the loaded files, or what is missing. */
  resume(record: CheckpointRecord, files: FileSummary[]): { spec: JobSpec } | { missing: string[] } {
    return resumeSpec(record, files);
  }

  /** The next `started` run continues this stored run (keeps its key, so its checkpoint is replaced). */
  resuming(runKey: string): void {
    this.resumeKey = runKey;
  }
}
