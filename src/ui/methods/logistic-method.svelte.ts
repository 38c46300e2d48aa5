// The logistic probe tab: its config, its job and its latest probe.

import { DEFAULT_LOGISTIC, type LogisticConfig } from '../../core/probes/logistic';
import type { JobResult, JobSpec, ProbeResultSummary } from '../../protocol';
import { JobSlot } from '../jobs/job-slot.svelte';
import type { RunSetup } from '../runs/run-setup';
import { copyProgress } from '../progress-columns';
import { sklearnProbeScript, sklearnReadable } from '../../core/probes/sklearn-export';
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
  /** The setup (config, files by name) behind the result shown: what its scikit-learn script reproduces. */
  resultSetup = $state.raw<Extract<RunSetup, { method: 'logistic' }> | null>(null);
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
    this.resultSetup = setup;
    return {
      name: logisticRunName(this.config, data.setupData.activations?.fileName ?? 'data'),
      setup,
      result,
      progress: copyProgress(this.slot.progress),
    };
  }

  setup(data: DataContext): Extract<RunSetup, { method: 'logistic' }> {
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

/**
 * The scikit-learn script reproducing a logistic result on the same files (named as loaded; the script looks for
 * them beside itself), or why it cannot be written.
 */
export function logisticSklearnScript(
  r: ProbeResultSummary,
  setup: Extract<RunSetup, { method: 'logistic' }> | null,
): { name: string; text: string } | { why: string } {
  const acts = setup?.data.activations;
  const labels = setup?.data.labels;
  if (!setup || !acts || !labels || !r.trainIdx || !r.testIdx) return { why: 'this result has no recorded split' };
  for (const f of [acts, labels])
    if (!sklearnReadable(f.fileName))
      return { why: `the script reads .npy .npz .safetensors .h5 .csv .jsonl, not ${f.fileName}` };
  const text = sklearnProbeScript({
    activations: { path: acts.fileName, key: acts.key },
    labels: { path: labels.fileName, key: labels.key },
    config: setup.config,
    trainIdx: r.trainIdx,
    testIdx: r.testIdx,
    probelabTestAccuracy: r.test.accuracy,
  });
  return { name: `probe_sklearn_C${setup.config.C}.py`, text };
}
