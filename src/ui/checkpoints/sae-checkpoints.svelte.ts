// The page's side of SAE checkpoints: stores each checkpoint the worker sends (the last one per run), knows
// which run is in flight, and offers the others (paused, stopped, or interrupted by a crash or reload) for resume.

import { checkpointStep } from '../../core/sae/checkpoint';
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
  private resuming: string | null = null;

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
      this.resuming = null;
      return;
    }
    const runKey = this.resuming ?? `sae-${Date.now()}-${jobId}`;
    this.resuming = null;
    const { resumeFrom, ...rest } = spec.sae;
    const names: Record<string, string> = {};
    for (const id of specFileIds(rest)) names[id] = files.find((f) => f.fileId === id)?.name ?? id;
    this.current = { runKey, jobId, tag, spec: rest, files: names };
    this.lastStep = resumeFrom ? checkpointStep(resumeFrom) : null;
  }

  /** A checkpoint from the worker: replaces the run's stored one. */
  received(m: { jobId: number; step: number; paused: boolean; bytes: ArrayBuffer }): Promise<void> {
    const c = this.current;
    if (!c || c.jobId !== m.jobId) return Promise.resolve();
    this.lastStep = m.step;
    const record: CheckpointRecord = {
      runKey: c.runKey,
      tag: c.tag,
      step: m.step,
      totalSteps: c.spec.config.steps,
      savedAt: Date.now(),
      paused: m.paused,
      spec: c.spec,
      files: c.files,
      bytes: m.bytes,
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
  interrupted(): void {
    this.current = null;
  }

  discard(runKey: string): Promise<void> {
    return this.enqueue((s) => s.delete(runKey));
  }

  /** The spec resuming `record` with the loaded files (the next `started` keeps its run key), or what is missing. */
  resume(record: CheckpointRecord, files: FileSummary[]): { spec: JobSpec } | { missing: string[] } {
    const r = resumeSpec(record, files);
    if ('spec' in r) this.resuming = record.runKey;
    return r;
  }
}
