// The SAE sweep job's spec, its members, and what each member ends with.
import type { SaeConfig } from '../core/sae/config';
import type { SweepStop } from '../core/sae/sweep-loop';
import type { GridPoint, SweepAxis } from '../core/sweep/grid';
import type { SaeResultSummary, SaeTrainSpec } from './sae';

export interface SaeSweepSpec extends Pick<
  SaeTrainSpec,
  'activations' | 'transform' | 'split' | 'groundTruth' | 'browser'
> {
  /** Every member's settings but the swept ones. */
  base: SaeConfig;
  /** The grid (core/sweep/grid expandGrid order names member ids 0, 1, …). */
  axes: SweepAxis[];
  /** All members' device memory together (default DEFAULT_SWEEP_MEMORY_BUDGET). */
  memoryBudgetBytes?: number;
}

/** 4 GiB: what a browser tab can usually hold on a discrete GPU, and far under an H100's 80 GiB. */
export const DEFAULT_SWEEP_MEMORY_BUDGET = 4 * 2 ** 30;

export interface SaeSweepMember {
  id: number;
  point: GridPoint;
  label: string;
  /** A folder-safe name (each member's SAELens folder). */
  slug: string;
  config: SaeConfig;
  /** Added while the sweep ran: it started on the stream's current batch, so it is not its single run's twin. */
  addedLive: boolean;
}

export interface SaeSweepMemberResult {
  member: SaeSweepMember;
  stop: SweepStop;
  /** Null when the sweep was cancelled before this member ended. */
  summary: SaeResultSummary | null;
}

export interface SaeSweepResult {
  implementation: string;
  elapsedMs: number;
  /** Batches drawn (each gathered, normalised and stepped by every member of its stream). */
  batches: number;
  members: SaeSweepMemberResult[];
}

/** A sweep job's progress columns: these, then SAE_PROGRESS_FIELDS of the member's step. */
export const SAE_SWEEP_PROGRESS_PREFIX = ['point', 'member'] as const;
