// The sparse-autoencoder tab: the live config, data choices (ground truth, browser texts), the main run's job
// (checkpointed, paused and resumed as one run whose edits and curves carry over), sanity baselines and an imported
// dictionary in a lane of their own, the decoder's SVD, and the latest result of each. Each job goes through the
// workbench's port; nothing here is cancelled by another tab's job.

import { changeEffect, DEFAULT_SAE_CONFIG, type ChangeEffect, type SaeConfig } from '../../core/sae/config';
import { DEFAULT_CHECKPOINT_POLICY } from '../../core/sae/checkpoint';
import { SaeCheckpoints } from '../checkpoints/sae-checkpoints.svelte';
import type { ArrayRef, FileSummary, JobResult, JobSpec, SvdResult } from '../../protocol';
import type { ImportedDictionary } from './read-dictionary';
import type { SaeBrowserSpec, SaeResultSummary } from '../../protocol';
import { JobSlot } from '../jobs/job-slot.svelte';
import type { DataContext, JobHandlers, JobPort, MethodState, RunDraft } from '../methods/method';
import { copyProgress, lastValue } from '../progress-columns';
import { stableKey } from '../runs/run-key';
import type { RunSetup } from '../runs/run-setup';
import type { RunRecord } from '../runs/run-record';
import { SaeSweep } from './sae-sweep.svelte';

/** Which run a job is: the user's data, a sanity baseline, or an imported dictionary's evaluation. */
export type SaeRunTag = 'main' | 'shuffled' | 'imported' | `file:${string}`;

/** Control files that have (almost) no sparse structure; matched by name when loaded. */
const BASELINE_FILES = [/^gaussian_mixture_12/i, /^uniform_square/i];

export type SaeDataChoice = Pick<DataContext, 'activations' | 'labels' | 'classNames' | 'files'> &
  Partial<Pick<DataContext, 'split' | 'rowText' | 'rows'>>;

export class SaeState implements MethodState {
  readonly id = 'sae' as const;
  readonly label = 'Sparse autoencoder';
  /** The main run on the user's data. */
  readonly slot = new JobSlot('sae');
  /** Sanity baselines and imported-dictionary evaluations. */
  readonly sideSlot = new JobSlot('sae-baseline');
  readonly svdSlot = new JobSlot('sae-svd');
  /** Sweep mode: a grid of runs in one job, in a lane of its own. */
  readonly sweep = new SaeSweep();
  readonly rerunsOnChange = false;
  live = $state(false);
  resultKey = $state<string | null>(null);
  config = $state<SaeConfig>({ ...DEFAULT_SAE_CONFIG });
  /** Planted ground-truth dictionary for MMCS; null: a file named planted_dictionary*, when loaded. */
  groundTruth = $state<ArrayRef | null>(null);
  /** Row text for the feature browser; null: the Data panel's row metadata text. */
  text = $state<ArrayRef | null>(null);
  browse = $state(true);
  labelMix = $state(true);
  /** The result shown: the main run's, or an imported dictionary's evaluation. */
  result = $state.raw<SaeResultSummary | null>(null);
  /** Results by run tag; the baseline table reads these. */
  results = $state.raw<Record<string, SaeResultSummary>>({});
  dictionary = $state.raw<ImportedDictionary | null>(null);
  /** The name of the dictionary behind results.imported. */
  importedName = $state('dictionary');
  /** What the last live edit did ("continued …" / "restarted …"), shown beside the settings. */
  editNote = $state('');
  /** The side job's run (a baseline or an imported dictionary). */
  sideTag = $state<SaeRunTag>('shuffled');
  /** Checkpoint every this many steps (and every 30 s, and on pause). */
  checkpointEvery = $state(DEFAULT_CHECKPOINT_POLICY.everySteps);
  /** The latest SVD of a decoder, with what it was of. */
  svd = $state.raw<{ title: string; result: SvdResult } | null>(null);
  /** The run paused in this session (its checkpoint's key): Resume continues it, with edits made while paused. */
  pausedRunKey = $state<string | null>(null);
  readonly checkpoints: SaeCheckpoints;

  constructor(checkpointDb?: string) {
    this.checkpoints = new SaeCheckpoints(checkpointDb);
  }

  get hasResult(): boolean {
    return this.result !== null;
  }

  defaultGroundTruth(files: FileSummary[]): ArrayRef | null {
    const f = files.find((f) => /^planted_dictionary/i.test(f.name) && f.tensors.some((t) => t.shape.length === 2));
    return f ? { fileId: f.fileId, key: f.tensors.find((t) => t.shape.length === 2)!.key } : null;
  }

  /** Sanity-baseline runs available now: the shuffled control of the user's data, and each control file loaded. */
  baselines(data: SaeDataChoice): { tag: SaeRunTag; name: string }[] {
    const out: { tag: SaeRunTag; name: string }[] = [];
    if (data.activations) out.push({ tag: 'shuffled', name: 'your data, each column shuffled' });
    for (const f of data.files)
      if (BASELINE_FILES.some((re) => re.test(f.name)) && baselineRef(f))
        out.push({ tag: `file:${f.fileId}`, name: f.name });
    return out;
  }

  /** Rows of the baseline table: the user's data first, then every baseline, run or not. */
  baselineRows(data: SaeDataChoice): { name: string; result: SaeResultSummary | null }[] {
    const name = data.files.find((f) => f.fileId === data.activations?.fileId)?.name ?? 'your data';
    return [
      { name, result: this.results.main ?? null },
      ...this.baselines(data).map((b) => ({ name: b.name, result: this.results[b.tag] ?? null })),
    ];
  }

  /**
   * Finished results that can be compared side by side on the same held-out rows (the Data panel's split): the
   * current run and the imported dictionary as it was when evaluated. Baselines run on other data, so they are not.
   */
  comparable(): { tag: string; name: string; result: SaeResultSummary }[] {
    const out: { tag: string; name: string; result: SaeResultSummary }[] = [];
    if (this.results.main) out.push({ tag: 'main', name: 'current run', result: this.results.main });
    if (this.results.imported)
      out.push({ tag: 'imported', name: `imported: ${this.importedName}`, result: this.results.imported });
    // A finished sweep's members, so a frontier point can be set against the run or dictionary it came from.
    for (const m of this.sweep.result?.members ?? [])
      if (m.summary) out.push({ tag: `sweep-${m.member.id}`, name: `sweep: ${m.member.label}`, result: m.summary });
    return out;
  }

  missing(data: SaeDataChoice): string | null {
    return data.activations ? null : 'choose activations';
  }

  spec(data: SaeDataChoice): JobSpec | null {
    return this.missing(data) ? null : this.specFor('main', data);
  }

  specFor(tag: SaeRunTag, data: SaeDataChoice): JobSpec {
    const groundTruth = this.groundTruth ?? this.defaultGroundTruth(data.files) ?? undefined;
    const text = this.text ?? data.rowText ?? undefined;
    const browser: SaeBrowserSpec | undefined = this.browse
      ? {
          text,
          labels: this.labelMix && data.labels ? data.labels : undefined,
          classNames: this.labelMix && data.labels ? data.classNames : undefined,
        }
      : undefined;
    if (tag === 'imported') {
      return {
        method: 'sae-eval',
        sae: {
          activations: data.activations!,
          dictionary: this.dictionary!.weights,
          heldOutFraction: this.config.heldOutFraction,
          seed: this.config.seed,
          split: data.split,
          groundTruth,
          browser,
        },
      };
    }
    if (tag.startsWith('file:')) {
      const f = data.files.find((f) => f.fileId === tag.slice(5));
      if (!f) throw new Error('the baseline file was removed');
      // Controls have their own rows: no labels, texts, split or planted features of the user's data apply to them.
      return {
        method: 'sae-train',
        sae: {
          activations: baselineRef(f)!,
          transform: 'none',
          config: this.config,
          browser: undefined,
          checkpoint: this.policy(),
        },
      };
    }
    return {
      method: 'sae-train',
      sae: {
        activations: data.activations!,
        transform: tag === 'shuffled' ? 'shuffle-columns' : 'none',
        config: this.config,
        split: data.split,
        groundTruth: tag === 'main' ? groundTruth : undefined,
        browser: tag === 'main' ? browser : undefined,
        checkpoint: this.policy(),
      },
    };
  }

  private policy() {
    return { ...DEFAULT_CHECKPOINT_POLICY, everySteps: Math.max(1, Math.round(this.checkpointEvery)) };
  }

  /** Trains the main run from scratch. */
  run(port: JobPort, data: DataContext): void {
    const spec = this.spec(data);
    if (!spec || !port.ready) return;
    this.live = true;
    this.editNote = '';
    this.pausedRunKey = null;
    this.sendMain(port, data, spec);
  }

  private sendMain(
    port: JobPort,
    data: DataContext,
    spec: JobSpec,
    carry?: Parameters<JobPort['send']>[3],
    runKey?: string,
  ): void {
    const handlers: JobHandlers = {
      done: (r) => {
        void this.checkpoints.finished();
        this.resultKey = stableKey(this.specFor('main', data));
        const draft = this.accept(r, data);
        if (draft) port.keep(draft);
      },
      stopped: () => {
        const key = this.checkpoints.interrupted();
        if (this.slot.status === 'paused') this.pausedRunKey = key;
      },
      failed: () => void this.checkpoints.interrupted(),
      updated: (effect) => {
        const step = lastValue(this.slot.progress, 'step');
        if (effect.effect === 'restart') this.run(port, data);
        this.noteEffect(effect, step);
      },
      checkpoint: (m) => void this.checkpoints.received(m, this.slot.progress),
    };
    if (runKey) this.checkpoints.resuming(runKey);
    const jobId = port.send(this.slot, spec, handlers, carry);
    this.checkpoints.started(jobId, $state.snapshot(spec) as JobSpec, 'main', data.files);
  }

  /** A sanity baseline or an imported dictionary's evaluation, in the side lane (the main run keeps going). */
  runSide(port: JobPort, data: DataContext, tag: Exclude<SaeRunTag, 'main'>): void {
    if (!port.ready || this.missing(data)) return;
    if (tag === 'imported' && !this.dictionary) return;
    // The name of the dictionary this evaluation is of, even if another is imported before it finishes.
    const name = this.dictionary?.name ?? 'dictionary';
    this.sideTag = tag;
    port.send(this.sideSlot, this.specFor(tag, data), {
      done: (r) => {
        if (r.method !== 'sae') return;
        this.results = { ...this.results, [tag]: r.result };
        if (tag === 'imported') {
          this.result = r.result;
          this.importedName = name;
        }
      },
    });
  }

  /** Pause the main run: it checkpoints, then stops; Resume continues it. */
  pause(port: JobPort): void {
    if (!this.slot.busy || this.slot.jobId === null) return;
    this.slot.askPause();
    port.post({ type: 'pause-job', jobId: this.slot.jobId });
  }

  stop(port: JobPort): void {
    if (this.slot.jobId !== null && this.slot.busy) port.post({ type: 'cancel', jobId: this.slot.jobId });
  }

  /**
   * A settings edit: applied to the running job when it can continue (the worker decides and answers); a change
   * that needs fresh weights restarts the run. While paused, the edit is kept and applies on resume.
   */
  configChanged(port: JobPort, next: SaeConfig): void {
    this.config = next;
    if (this.slot.busy && this.slot.jobId !== null) {
      this.editNote = 'Applying the change…';
      port.post({ type: 'update-job', jobId: this.slot.jobId, config: $state.snapshot(next) as SaeConfig });
    } else if (this.slot.status === 'paused') {
      this.editNote = 'Kept; the run continues with it when you resume.';
    }
  }

  /**
   * Continues a stored run from its checkpoint with the config it was taken with (live edits included) and its
   * curves so far; edits made while it was paused here apply when they can continue it. False (and a message)
   * when its files are not loaded.
   */
  resume(port: JobPort, data: DataContext, runKey: string): boolean {
    const record = this.checkpoints.stored.find((r) => r.runKey === runKey);
    if (!record || !port.ready) return false;
    const r = this.checkpoints.resume(record, data.files);
    if ('missing' in r) {
      port.notify({ level: 'info', message: `To resume this run, load ${r.missing.join(', ')} first.` });
      return false;
    }
    if (r.spec.method !== 'sae-train') return false;
    const base = record.spec.config;
    const edited = this.pausedRunKey === runKey && changeEffect(base, this.config).effect === 'continue';
    const config = edited ? $state.snapshot(this.config) : base;
    const spec: JobSpec = { ...r.spec, sae: { ...r.spec.sae, config } };
    this.config = { ...config };
    this.live = true;
    this.pausedRunKey = null;
    this.editNote = `Resumed from the checkpoint at step ${record.step}.`;
    this.sendMain(port, data, spec, record.progress ? copyProgress(record.progress) : undefined, runKey);
    return true;
  }

  /** Singular values and top directions of a decoder, in the worker (its own lane). */
  decoderSvd(port: JobPort, r: SaeResultSummary): void {
    const title = `decoder W_dec [${r.dSae} × ${r.dIn}]`;
    // The whole spectrum while the smaller side is small; the top 32 beyond (the Gram eigen-solve is cubic).
    const small = Math.min(r.dSae, r.dIn);
    port.send(
      this.svdSlot,
      {
        method: 'analysis',
        analysis: {
          kind: 'svd',
          weights: { rows: r.dSae, cols: r.dIn, values: Float64Array.from(r.weights.wDec) },
          k: small <= 256 ? small : 32,
        },
      },
      {
        done: (res) => {
          if (res.method === 'analysis' && res.result.kind === 'svd') this.svd = { title, result: res.result };
        },
      },
    );
  }

  /** Describes a live edit's outcome for the page; `lastStep` is the last step reported before the answer. */
  noteEffect(effect: ChangeEffect, lastStep: number | null): void {
    this.editNote =
      effect.effect === 'continue'
        ? `Change applied; the run continued${lastStep !== null ? ` (from step ${lastStep + 1})` : ''} with its weights and optimizer state.`
        : `The run restarted${effect.because.length ? `: changing ${effect.because.join(', ')} needs fresh weights` : ' with the new settings (the previous run had ended)'}.`;
  }

  accept(result: JobResult, data: DataContext): RunDraft | null {
    if (result.method !== 'sae') return null;
    const r = result.result;
    this.results = { ...this.results, main: r };
    this.result = r;
    const setup = this.setup(data);
    return {
      name: `sae ${r.architecture} ${r.dIn}→${r.dSae}${r.k !== null ? ` k=${r.k}` : ''} · ${data.setupData.activations?.fileName ?? 'data'}`,
      setup,
      result,
      progress: copyProgress(this.slot.progress),
    };
  }

  setup(data: DataContext): RunSetup {
    return $state.snapshot({
      version: 1 as const,
      method: 'sae' as const,
      config: this.config,
      split: data.setupSplit,
      data: data.setupData,
    });
  }

  applySetup(setup: RunSetup): boolean {
    if (setup.method !== 'sae' && setup.method !== 'sae-sweep') return false;
    this.config = { ...setup.config };
    if (setup.method === 'sae-sweep') this.sweep.gridText = setup.grid.join('\n');
    return true;
  }

  /** A kept sweep is shown again: its frontier and members' metrics, with its base settings and grid. */
  showRun(run: RunRecord): boolean {
    if (run.setup.method !== 'sae-sweep' || run.result.method !== 'sae-sweep') return false;
    this.applySetup(run.setup);
    this.sweep.opened = { name: run.name, sweep: run.result.result };
    return true;
  }
}

function baselineRef(f: FileSummary): ArrayRef | null {
  const t = f.tensors.find((t) => t.shape.length === 2);
  return t ? { fileId: f.fileId, key: t.key } : null;
}
