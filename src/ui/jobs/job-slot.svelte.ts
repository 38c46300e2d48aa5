// One owner's job on the page (a method's training, or a side job such as a decoder SVD): what was sent, its
// status (queued / running / paused / done / stopped / failed), start info, stage, progress columns and timing.
// Each owner has its own slot in its own worker lane, so owners never overwrite or cancel each other's jobs.

import type { JobStartInfo } from '../../protocol';
import { appendProgress, emptyProgress, type ProgressColumns } from '../progress-columns';

export type SlotStatus = 'idle' | 'queued' | 'running' | 'paused' | 'done' | 'cancelled' | 'error';

export class JobSlot {
  status = $state<SlotStatus>('idle');
  info = $state.raw<JobStartInfo | null>(null);
  progress = $state.raw<ProgressColumns>(emptyProgress());
  /** Bumped on every progress point so charts redraw without copying the columns. */
  version = $state(0);
  stage = $state('');
  error = $state<string | null>(null);
  /** When this job started running, and when it ended (null while it runs). */
  startedAt = $state<number | null>(null);
  endedAt = $state<number | null>(null);
  /** The first and latest step reported by this job, for its ETA. */
  firstStep = $state.raw<{ step: number; at: number } | null>(null);
  lastStep = $state.raw<{ step: number; at: number } | null>(null);
  /** Progress points this job has reported (the curves may still show the previous job's until its first). */
  points = $state(0);
  /** The id of the job in flight (or last sent): messages of any other job are stale for this slot. */
  jobId: number | null = null;
  private pauseAsked = false;
  /** A fresh job's curves replace the previous job's at its first point, so the last curves stay until then. */
  private replaceCurves = false;

  constructor(readonly lane: string) {}

  get busy(): boolean {
    return this.status === 'queued' || this.status === 'running';
  }

  /**
   * A job was sent: its curves carry on from `carry` (a resumed run's curves), or start afresh at its first point
   * (until then the previous job's curves stay on screen).
   */
  sent(jobId: number, carry?: ProgressColumns): void {
    this.jobId = jobId;
    this.status = 'queued';
    this.error = null;
    this.stage = '';
    this.info = null;
    this.points = 0;
    this.replaceCurves = !carry;
    if (carry) {
      this.progress = carry;
      this.version++;
    }
    this.startedAt = null;
    this.endedAt = null;
    this.firstStep = null;
    this.lastStep = null;
    this.pauseAsked = false;
  }

  started(info: JobStartInfo): void {
    this.status = 'running';
    this.info = info;
    this.startedAt ??= Date.now();
    const same =
      this.progress.fields.length === info.fields.length && this.progress.fields.every((f, i) => f === info.fields[i]);
    if (!same) this.progress = emptyProgress(info.fields);
    this.version++;
  }

  point(point: Float64Array): void {
    if (this.replaceCurves) {
      this.progress = emptyProgress(this.info?.fields ?? this.progress.fields);
      this.replaceCurves = false;
    }
    this.points++;
    appendProgress(this.progress, point);
    const step = this.progress.fields[0] === 'step' ? point[0] : NaN;
    if (Number.isFinite(step)) {
      const mark = { step, at: Date.now() };
      if (!this.firstStep || step < this.firstStep.step) this.firstStep = mark;
      this.lastStep = mark;
    }
    this.version++;
  }

  askPause(): void {
    this.pauseAsked = true;
  }

  done(): void {
    this.status = 'done';
    this.endedAt = Date.now();
  }

  /** Stopped: 'paused' when a pause was asked for (its checkpoint is kept to resume from), else 'cancelled'. */
  cancelled(): void {
    this.status = this.pauseAsked ? 'paused' : 'cancelled';
    this.endedAt = Date.now();
  }

  failed(message: string): void {
    this.status = 'error';
    this.error = message;
    this.endedAt = Date.now();
  }

  /** The worker went away mid-job (crash): the job is gone. */
  lost(): void {
    if (this.busy) this.cancelled();
  }
}
