// The logistic probe tab: its config, its job and its latest probe.

import { DEFAULT_LOGISTIC, type LogisticConfig } from '../../core/probes/logistic';
import type { JobResult, JobSpec, ProbeResultSummary } from '../../protocol';
import { JobSlot } from '../jobs/job-slot.svelte';
import type { RunSetup } from '../runs/run-setup';
import { copyProgress } from '../progress-columns';
import type { DataContext, MethodState, RunDraft } from './method';

/** A short run name: the settings that tell logistic runs apart, and the data. */
export function logisticRunName(c: LogisticConfig, data: string): string {
  return `logistic C=${c.C}${c.optimizer === 'adam' ? ` lr=${c.learningRate}` : ''}${c.classWeight === 'balanced' ? ' balanced' : ''} · ${data}`;
}

export class LogisticMethod implements MethodState {
  readonly id = 'logistic' as const;
  readonly label = 'Logistic probe';
  readonly slot = new JobSlot('logistic');
  readonly rerunsOnChange = true;
  config = $state<LogisticConfig>({ ...DEFAULT_LOGISTIC });
  result = $state.raw<ProbeResultSummary | null>(null);
  live = $state(false);
  resultKey = $state<string | null>(null);

  get hasResult(): boolean {
    return this.result !== null;
  }

  missing(data: DataContext): string | null {
    return data.activations && data.labels ? null : 'choose activations and labels';
  }

  spec(data: DataContext): JobSpec | null {
    if (!data.activations || !data.labels) return null;
    return {
      method: 'logistic',
      data: { activations: data.activations, labels: data.labels, classNames: data.classNames, split: data.split },
      config: this.config,
    };
  }

  accept(result: JobResult, data: DataContext): RunDraft | null {
    if (result.method !== 'logistic') return null;
    this.result = result;
    const setup = this.setup(data);
    return {
      name: logisticRunName(this.config, data.setupData.activations?.fileName ?? 'data'),
      setup,
      result,
      progress: copyProgress(this.slot.progress),
    };
  }

  setup(data: DataContext): RunSetup {
    return $state.snapshot({
      version: 1 as const,
      method: 'logistic' as const,
      config: this.config,
      split: data.setupSplit,
      data: data.setupData,
    });
  }

  applySetup(setup: RunSetup): boolean {
    if (setup.method !== 'logistic') return false;
    this.config = { ...setup.config };
    return true;
  }
}
