// What the analysis tabs (detector, erasure, PCA, dataset statistics) share: a job slot in their own lane, the
// latest result of their kind, and a spec built from the Data panel's choices. Analyses are not kept as runs:
// they are recomputed from their settings in seconds.

import type { AnalysisResult, AnalysisSpec, ArrayRef, JobResult, JobSpec } from '../../protocol';
import { JobSlot } from '../jobs/job-slot.svelte';
import type { DataContext, MethodId, MethodState, RunDraft } from '../methods/method';
import type { RunSetup } from '../runs/run-setup';

/** The Data panel's choices once activations are chosen. */
export type AnalysisData = DataContext & { activations: ArrayRef };

export abstract class AnalysisMethod<R extends AnalysisResult> implements MethodState {
  readonly slot: JobSlot;
  readonly rerunsOnChange = true;
  live = $state(false);
  resultKey = $state<string | null>(null);
  result = $state.raw<R | null>(null);

  constructor(
    readonly id: MethodId,
    readonly label: string,
    private readonly kind: R['kind'],
  ) {
    this.slot = new JobSlot(id);
  }

  get hasResult(): boolean {
    return this.result !== null;
  }

  missing(data: DataContext): string | null {
    return data.activations ? null : 'choose activations';
  }

  /** The analysis to run on this data (called only when nothing is missing). */
  protected abstract analysis(data: AnalysisData): AnalysisSpec;

  spec(data: DataContext): JobSpec | null {
    if (this.missing(data) || !data.activations) return null;
    return { method: 'analysis', analysis: this.analysis({ ...data, activations: data.activations }) };
  }

  accept(result: JobResult): RunDraft | null {
    if (result.method === 'analysis' && result.result.kind === this.kind) this.result = result.result as R;
    return null;
  }

  setup(): RunSetup | null {
    return null;
  }

  applySetup(): boolean {
    return false;
  }
}
