// How a running job talks back to the worker loop: start info, progress points, and the cancellation poll.
import type { JobStartInfo, StreamedSweepCell } from '../protocol';

export interface JobHooks {
  onStart: (info: JobStartInfo) => void;
  /** A progress point in the field order announced by onStart. */
  onProgress: (point: Float64Array) => void;
  isCancelled: () => boolean;
  /** A human-readable stage for jobs without numeric progress ("fitting layer 2 of 6"). */
  onStage?: (message: string) => void;
  /** A probe-sweep cell, as soon as it is done. */
  onCell?: (cell: StreamedSweepCell) => void;
}

/** What an analysis job uses of the hooks: it reports stages, not numeric progress. */
export type AnalysisHooks = Pick<JobHooks, 'isCancelled' | 'onStage'>;
