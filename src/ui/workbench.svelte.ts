// The workbench's state: loaded files, pairing, split, probe settings and the live job. Owns the worker;
// components only read this state and call its methods.

import { DEFAULT_LOGISTIC, type LogisticConfig } from '../core/probes/logistic';
import type { EngineInfo } from '../core/engine/engine';
import {
  type ArrayRef,
  type ErrorReport,
  type FileId,
  type FileSummary,
  type FromWorker,
  type JobSpec,
  type JobStartInfo,
  type ProbeResultSummary,
  type InjectedFault,
  assertNever,
} from '../protocol';
import { appendProgress, emptyProgress, type ProgressColumns } from './progress-columns';
import { startTrainingWorker, type WorkerClient } from './worker-client';
import { autoPair } from './auto-pair';
import { RunsState } from './runs/runs.svelte';
import type { NamedRef, RunSetup, SetupSplit } from './runs/run-setup';
import type { RunResult } from './runs/run-record';
import type { SplitRef } from '../protocol';
import { AnalysisState, type AnalysisKind } from './analysis/analysis-state.svelte';
import { SuiteState } from './suite/suite-state.svelte';
import { SaeState, type SaeRunTag } from './sae/sae-state.svelte';
import type { SaeConfig } from '../core/sae/config';
import { column } from './progress-columns';
import { openTable, type TableColumn } from '../core/formats/table';
import { blobSource } from '../core/formats/byte-source';
import type { EnginePreference } from '../core/engine/engine';

export type MethodId = 'logistic' | AnalysisKind | 'suite' | 'sae';

export type SplitChoice =
  | { kind: 'random'; testFraction: number; seed: number; stratify: boolean }
  | { kind: 'file'; fileId: FileId }
  /** Whole groups of a metadata column held out together (probe-suite methods only: the logistic job takes no groups). */
  | { kind: 'group'; column: ArrayRef; testFraction: number; seed: number };

/** The default held-out fraction and seed of a fresh random split. */
const RANDOM_SPLIT: SplitChoice = { kind: 'random', testFraction: 0.25, seed: 0, stratify: true };

export type JobStatus = 'idle' | 'queued' | 'running' | 'done' | 'cancelled' | 'error';

/**
 * Slider changes within this window coalesce into one retrain. Short, because the worker already drops
 * superseded jobs between steps; the window only spares it from starting one per pixel of a drag.
 */
const RETRAIN_DEBOUNCE_MS = 60;

export class Workbench {
  engine = $state<EngineInfo | null>(null);
  engineError = $state<string | null>(null);
  files = $state<FileSummary[]>([]);
  loading = $state<Record<FileId, { name: string; done: number; total: number }>>({});
  errors = $state<ErrorReport[]>([]);
  activations = $state<ArrayRef | null>(null);
  labels = $state<ArrayRef | null>(null);
  classNamesFile = $state<FileId | null>(null);
  split = $state<SplitChoice>({ ...RANDOM_SPLIT });
  config = $state<LogisticConfig>({ ...DEFAULT_LOGISTIC });
  status = $state<JobStatus>('idle');
  jobError = $state<string | null>(null);
  jobInfo = $state<JobStartInfo | null>(null);
  progress = $state.raw<ProgressColumns>(emptyProgress());
  /** Bumped on every progress point so charts redraw without copying the columns. */
  progressVersion = $state(0);
  /** The latest trained probe (analyses keep their results in `analysis`). */
  result = $state.raw<ProbeResultSummary | null>(null);
  /** After the first explicit train, every settings change retrains (latest wins). */
  liveRetrain = $state(false);

  readonly runs: RunsState;
  readonly analysis = new AnalysisState();
  readonly suite = new SuiteState();
  readonly sae = new SaeState();
  /** The method of the job last sent (jobInfo describes it only once it has started). */
  jobMethod = $state<JobSpec['method'] | null>(null);
  method = $state<MethodId>('logistic');
  /** What an analysis job is doing now ("fitting layer 2 of 6"). */
  stage = $state('');
  /** File names and keys a shared setup asks for, applied as matching files arrive. */
  private wantedData: RunSetup['data'] | null = null;
  private wantedSplitFile: string | null = null;
  private wantedGroupColumn: NamedRef | null = null;

  private worker: WorkerClient;
  private nextFileId = 1;
  private jobId = 0;
  private debounce: ReturnType<typeof setTimeout> | null = null;
  /** File handles kept on the UI side so a restarted worker can reopen them (not state: nothing renders them). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private handles = new Map<FileId, File | Blob>();

  constructor(
    private preference: EnginePreference = 'auto',
    runsDb = 'probelab',
  ) {
    this.runs = new RunsState(runsDb);
    this.worker = this.startWorker();
  }

  private startWorker(): WorkerClient {
    const w = startTrainingWorker(
      (m) => this.onMessage(m),
      (reason) => this.onWorkerCrash(reason),
    );
    w.send({ type: 'init', preference: this.preference });
    return w;
  }

  private onWorkerCrash(reason: string): void {
    this.worker.terminate();
    const wasTraining = this.status === 'running' || this.status === 'queued';
    // An SAE run is not restarted from scratch: the page offers to resume it from its stored checkpoint.
    const saeRun = wasTraining && this.jobMethod === 'sae-train';
    if (saeRun) {
      this.status = 'cancelled';
      this.sae.checkpoints.interrupted();
    }
    this.errors = [
      ...this.errors,
      {
        level: 'info',
        message: `The training worker stopped (${reason}); it was restarted, your files reloaded${saeRun ? '; the SAE run can resume from its last checkpoint' : wasTraining ? ' and the run restarted' : ''}. Finished runs are kept.`,
      },
    ];
    this.engine = null;
    this.worker = this.startWorker();
    // Files are reopened in the order they were added, so the restarted run finds them all.
    for (const [fileId, file] of this.handles) {
      this.worker.send({
        type: 'load-file',
        fileId,
        file,
        name: this.files.find((f) => f.fileId === fileId)?.name ?? 'file',
      });
    }
    if (wasTraining && !saeRun) this.train();
  }

  /** Fault injection from the diagnostics panel (and the recovery tests). */
  injectFault(fault: InjectedFault): void {
    this.worker.send({ type: 'inject-fault', fault });
  }

  addFiles(files: Iterable<File>): void {
    for (const file of files) {
      if (/\.probelab-run\.json$/i.test(file.name)) {
        this.runs.importFile(file, file.name).catch((e) => {
          this.errors = [...this.errors, { file: file.name, message: (e as Error).message }];
        });
      } else {
        this.addBlob(file, file.name);
      }
    }
  }

  addBlob(file: Blob, name: string): void {
    const fileId = `f${this.nextFileId++}`;
    this.handles.set(fileId, file);
    this.loading = { ...this.loading, [fileId]: { name, done: 0, total: file.size } };
    this.worker.send({ type: 'load-file', fileId, file, name });
  }

  removeFile(fileId: FileId): void {
    this.handles.delete(fileId);
    this.files = this.files.filter((f) => f.fileId !== fileId);
    if (this.activations?.fileId === fileId) this.activations = null;
    if (this.labels?.fileId === fileId) this.labels = null;
    if (this.classNamesFile === fileId) this.classNamesFile = null;
    if (
      (this.split.kind === 'file' && this.split.fileId === fileId) ||
      (this.split.kind === 'group' && this.split.column.fileId === fileId)
    )
      this.split = { ...RANDOM_SPLIT };
    this.suite.forgetFile(fileId);
    this.worker.send({ type: 'forget-file', fileId });
  }

  dismissError(index: number): void {
    this.errors = this.errors.filter((_, i) => i !== index);
  }

  async loadDemo(base = './demo/'): Promise<void> {
    const manifest = (await (await fetch(`${base}manifest.json`)).json()) as { files: string[] };
    for (const name of manifest.files) {
      const blob = await (await fetch(`${base}${name}`)).blob();
      this.addBlob(blob, name);
    }
  }

  get canTrain(): boolean {
    return Boolean(this.engine) && this.missing === null;
  }

  /** Why the current method cannot run yet, or null. */
  get missing(): string | null {
    if (this.split.kind === 'group' && this.takesNoGroupSplit()) {
      return "a group split works with the probe suite's methods (mass-mean, LDA, ridge, CCS, layer sweep, regularization path); choose another split here";
    }
    if (this.method === 'logistic') return this.activations && this.labels ? null : 'choose activations and labels';
    if (this.method === 'suite') return this.suite.missing(this.suiteData());
    if (this.method === 'sae') return this.sae.missing(this.saeData());
    return this.analysis.missing(this.method, { activations: this.activations ?? undefined, labels: this.labels });
  }

  /** Logistic and the analyses train through resolveLabelledData, which has no group split. */
  private takesNoGroupSplit(): boolean {
    return this.method !== 'sae' && (this.method !== 'suite' || this.suite.settings.method === 'logistic');
  }

  /** The split for jobs without a group split (a group choice never reaches them: `missing` stops it). */
  private splitRef() {
    if (this.split.kind === 'file') return { kind: 'file' as const, fileId: this.split.fileId };
    if (this.split.kind === 'group')
      return { kind: 'random' as const, testFraction: this.split.testFraction, seed: this.split.seed, stratify: false };
    return { ...this.split, kind: 'random' as const };
  }

  private suiteSplitRef(): SplitRef {
    return this.split.kind === 'group' ? { ...this.split } : this.splitRef();
  }

  private classNames(): string[] | undefined {
    return this.files.find((f) => f.fileId === this.classNamesFile)?.classNames;
  }

  private suiteData() {
    return {
      activations: this.activations,
      labels: this.labels,
      classNames: this.classNames(),
      split: this.suiteSplitRef(),
      files: this.files,
    };
  }

  private saeData() {
    return { activations: this.activations, labels: this.labels, classNames: this.classNames(), files: this.files };
  }

  private buildSpec(): JobSpec | null {
    if (this.method === 'suite') return this.missing ? null : this.suite.spec(this.suiteData());
    if (this.method === 'sae') return this.missing ? null : this.sae.spec('main', this.saeData());
    if (!this.activations || this.missing) return null;
    if (this.method === 'logistic') {
      return {
        method: 'logistic',
        data: {
          activations: this.activations,
          labels: this.labels!,
          classNames: this.classNames(),
          split: this.splitRef(),
        },
        config: this.config,
      };
    }
    return {
      method: 'analysis',
      analysis: this.analysis.spec(this.method, {
        activations: this.activations,
        labels: this.labels,
        classNames: this.classNames(),
        split: this.splitRef(),
        probe: this.config,
      }),
    };
  }

  /** The columns of the first loaded table (CSV/JSONL), read on the page, for exports beside row metadata. */
  async rowMetadata(): Promise<TableColumn[]> {
    const f = this.files.find((f) => f.kind === 'table');
    const blob = f && this.handles.get(f.fileId);
    if (!f || !blob) return [];
    return (await openTable(blobSource(blob, f.name))).columns;
  }

  /** Fits Gaussian, exponential and a two-Gaussian mixture to values from a histogram. */
  fitDistributions(title: string, values: Float64Array): void {
    this.send({ method: 'analysis', analysis: this.analysis.fitSpec(title, values) });
  }

  /** Singular values and top directions of a weight matrix (a dictionary's decoder), in the worker. */
  weightSvd(title: string, values: Float32Array | Float64Array, rows: number, cols: number): void {
    this.send({ method: 'analysis', analysis: this.analysis.svdSpec(title, values, rows, cols) });
  }

  train(): void {
    if (this.method === 'sae') {
      this.runSae('main');
      return;
    }
    const spec = this.buildSpec();
    if (!spec) return;
    this.liveRetrain = true;
    this.send(spec);
  }

  /** Trains (or, for 'imported', evaluates) one SAE run: the user's data, a sanity baseline, or a dictionary. */
  runSae(tag: SaeRunTag): void {
    if (!this.engine || this.sae.missing(this.saeData())) return;
    if (tag === 'imported' && !this.sae.dictionary) return;
    this.sae.tag = tag;
    this.sae.editNote = '';
    this.send(this.sae.spec(tag, this.saeData()));
  }

  /** Pause the running SAE run: it checkpoints, then stops; the checkpoint is offered for resume. */
  pauseSae(): void {
    if (this.saeTraining) this.worker.send({ type: 'pause-job', jobId: this.jobId });
  }

  /** Continues a stored SAE run from its checkpoint; false (and a message) when its files are not loaded. */
  resumeSae(runKey: string): boolean {
    const record = this.sae.checkpoints.stored.find((r) => r.runKey === runKey);
    if (!record || !this.engine) return false;
    const r = this.sae.checkpoints.resume(record, this.files);
    if ('missing' in r) {
      this.errors = [
        ...this.errors,
        { level: 'info', message: `To resume this run, load ${r.missing.join(', ')} first.` },
      ];
      return false;
    }
    this.method = 'sae';
    this.sae.tag = record.tag as SaeRunTag;
    if (r.spec.method === 'sae-train') this.sae.config = { ...r.spec.sae.config };
    this.sae.editNote = `Resumed from the checkpoint at step ${record.step}.`;
    this.send(r.spec);
    return true;
  }

  /** Whether an SAE training job is queued or running, so settings edits go to it live. */
  get saeTraining(): boolean {
    return this.jobMethod === 'sae-train' && (this.status === 'running' || this.status === 'queued');
  }

  /**
   * An SAE settings edit: applied to the running job when it can continue (the worker decides and answers
   * 'job-updated'); a change that needs fresh weights restarts the run with the new config.
   */
  saeConfigChanged(next: SaeConfig): void {
    this.sae.config = next;
    if (!this.saeTraining) return;
    this.sae.editNote = 'Applying the change…';
    this.worker.send({ type: 'update-job', jobId: this.jobId, config: $state.snapshot(next) as SaeConfig });
  }

  private send(jobSpec: JobSpec): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    const jobId = ++this.jobId;
    // Snapshots: reactive proxies cannot be structured-cloned into the worker.
    const spec = $state.snapshot(jobSpec) as JobSpec;
    this.stage = '';
    this.jobMethod = spec.method;
    this.status = 'queued';
    this.jobError = null;
    this.progress = emptyProgress();
    this.progressVersion++;
    this.sae.checkpoints.started(jobId, spec, this.sae.tag, this.files);
    this.worker.send({ type: 'train', jobId, spec });
  }

  /** Called by every settings control: retrains after a short quiet period once live tuning is on. */
  settingsChanged(): void {
    // SAE runs are long: they start on an explicit click, and edits then reach the running job (saeConfigChanged).
    if (!this.liveRetrain || !this.canTrain || this.method === 'sae') return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.train(), RETRAIN_DEBOUNCE_MS);
  }

  stop(): void {
    this.liveRetrain = false;
    this.worker.send({ type: 'cancel', jobId: this.jobId });
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        this.engine = m.engine;
        this.engineError = null;
        return;
      case 'engine-error':
        this.engineError = m.message;
        return;
      case 'notice':
        this.errors = [...this.errors, m.notice];
        return;
      case 'file-progress':
        if (this.loading[m.fileId])
          this.loading = { ...this.loading, [m.fileId]: { ...this.loading[m.fileId], done: m.bytesDone } };
        return;
      case 'file-loaded': {
        const { [m.summary.fileId]: _, ...rest } = this.loading;
        this.loading = rest;
        this.files = [...this.files.filter((f) => f.fileId !== m.summary.fileId), m.summary];
        this.applyPairing();
        return;
      }
      case 'file-error': {
        const { [m.fileId]: _, ...rest } = this.loading;
        this.loading = rest;
        this.handles.delete(m.fileId);
        this.errors = [...this.errors, m.error];
        return;
      }
      // Messages of superseded jobs are dropped: a stale curve never reaches the page.
      case 'job-started':
        if (m.jobId !== this.jobId) return;
        this.status = 'running';
        this.jobInfo = m.info;
        this.progress = emptyProgress(m.info.fields);
        this.progressVersion++;
        return;
      case 'job-progress':
        if (m.jobId !== this.jobId) return;
        appendProgress(this.progress, m.point);
        this.progressVersion++;
        return;
      case 'job-stage':
        if (m.jobId === this.jobId) this.stage = m.message;
        return;
      case 'job-done':
        if (m.jobId !== this.jobId) return;
        this.status = 'done';
        if (m.result.method === 'analysis') {
          this.analysis.accept(m.result.result);
          return;
        }
        if (m.result.method === 'suite') {
          this.suite.accept(m.result.result);
          // Applying an imported probe trains nothing: it is not kept as a run.
          if (m.result.result.method !== 'apply-probe') this.keepRun(m.result);
          return;
        }
        if (m.result.method === 'sae') {
          const baseline = this.sae.tag !== 'main';
          this.sae.accept(m.result.result);
          void this.sae.checkpoints.finished();
          // Sanity baselines are shown beside the run, not kept as runs of their own.
          if (!baseline) {
            const setup = this.currentSetup();
            void this.runs.saveSaeRun({
              result: m.result.result,
              config: $state.snapshot(this.sae.config),
              data: setup.data,
              engine: $state.snapshot(this.engine),
              progress: this.progress,
            });
          }
          return;
        }
        this.result = m.result;
        this.keepRun(m.result);
        return;
      case 'job-cancelled':
        if (m.jobId !== this.jobId) return;
        this.status = 'cancelled';
        this.sae.checkpoints.interrupted();
        return;
      case 'sae-checkpoint':
        void this.sae.checkpoints.received(m);
        return;
      case 'job-updated': {
        if (m.jobId !== this.jobId) return;
        const step = column(this.progress, 'step').at(-1) ?? null;
        if (m.effect.effect === 'restart') this.runSae(this.sae.tag === 'imported' ? 'main' : this.sae.tag);
        this.sae.noteEffect(m.effect, step);
        return;
      }
      case 'job-error':
        if (m.jobId !== this.jobId) return;
        this.status = 'error';
        this.sae.checkpoints.interrupted();
        this.jobError = m.error.message;
        return;
      default:
        assertNever(m);
    }
  }

  private fileName(fileId: FileId | undefined): string | undefined {
    return this.files.find((f) => f.fileId === fileId)?.name;
  }

  private keepRun(result: RunResult): void {
    void this.runs.add({
      name: this.runName(result),
      setup: this.currentSetup(),
      engine: $state.snapshot(this.engine),
      progress: { fields: [...this.progress.fields], columns: this.progress.columns.map((c) => [...c]) },
      result,
    });
  }

  private runName(result: RunResult): string {
    const data = this.fileName(this.activations?.fileId) ?? 'data';
    if (result.method === 'suite') return `${this.suite.describe()} · ${data}`;
    const c = this.method === 'suite' ? this.suite.settings.logistic : this.config;
    return `logistic C=${c.C}${c.optimizer === 'adam' ? ` lr=${c.learningRate}` : ''} · ${data}`;
  }

  private named(r: ArrayRef | null | undefined): NamedRef | undefined {
    return r ? { fileName: this.fileName(r.fileId) ?? '', key: r.key } : undefined;
  }

  /** The setup without the data, for runs and for sharing by URL. */
  currentSetup(): RunSetup {
    const ref = (r: ArrayRef | null) => this.named(r);
    const sp = this.split;
    const split: SetupSplit =
      sp.kind === 'file'
        ? { kind: 'file', fileName: this.fileName(sp.fileId) ?? '' }
        : sp.kind === 'group'
          ? { kind: 'group', column: this.named(sp.column)!, testFraction: sp.testFraction, seed: sp.seed }
          : { ...sp };
    const data = {
      activations: ref(this.activations),
      labels: ref(this.labels),
      classNames: this.fileName(this.classNamesFile ?? undefined),
    };
    if (this.method === 'suite') {
      return $state.snapshot({
        version: 1 as const,
        method: 'suite' as const,
        suite: this.suite.settings,
        split,
        data: { ...data, ...this.suite.setupData((r) => this.named(r)) },
      });
    }
    if (this.method === 'sae') {
      const c = this.sae.config;
      // The SAE job draws its own seeded random split from its config; the Data panel's split does not apply.
      return $state.snapshot({
        version: 1 as const,
        method: 'sae' as const,
        config: c,
        split: { kind: 'random' as const, testFraction: c.heldOutFraction, seed: c.seed, stratify: false },
        data,
      });
    }
    return $state.snapshot({ version: 1 as const, method: 'logistic' as const, config: this.config, split, data });
  }

  /** Applies a shared or earlier setup: settings at once, data choices as files of those names load. */
  applySetup(setup: RunSetup): void {
    if (setup.method === 'logistic') {
      this.config = { ...setup.config };
      this.method = 'logistic';
    }
    if (setup.method === 'suite') {
      this.suite.settings = structuredClone(setup.suite);
      this.method = 'suite';
    }
    if (setup.method === 'sae') {
      this.sae.config = { ...setup.config };
      this.method = 'sae';
    }
    if (setup.split.kind === 'random') this.split = { ...setup.split };
    this.wantedSplitFile = setup.split.kind === 'file' ? setup.split.fileName : null;
    this.wantedGroupColumn = setup.split.kind === 'group' ? setup.split.column : null;
    if (setup.split.kind === 'group')
      this.groupSplitWanted = { testFraction: setup.split.testFraction, seed: setup.split.seed };
    this.wantedData = setup.data;
    this.suite.want(setup.method === 'suite' ? setup.data : {});
    this.applyPairing();
    this.settingsChanged();
  }

  private applyWanted(): void {
    const find = (want?: { fileName: string; key: string }): ArrayRef | null => {
      const f = want && this.files.find((f) => f.name === want.fileName);
      if (!f || !want) return null;
      return f.tensors.some((t) => t.key === want.key) || f.columns.some((c) => c.name === want.key)
        ? { fileId: f.fileId, key: want.key }
        : null;
    };
    const w = this.wantedData;
    if (w) {
      this.activations = find(w.activations) ?? this.activations;
      this.labels = find(w.labels) ?? this.labels;
      this.classNamesFile = this.files.find((f) => f.name === w.classNames)?.fileId ?? this.classNamesFile;
    }
    const splitFile = this.wantedSplitFile && this.files.find((f) => f.name === this.wantedSplitFile && f.split);
    if (splitFile) this.split = { kind: 'file', fileId: splitFile.fileId };
    const column = find(this.wantedGroupColumn ?? undefined);
    if (column && this.groupSplitWanted) {
      this.split = { kind: 'group', column, ...this.groupSplitWanted };
      this.wantedGroupColumn = null;
    }
    this.suite.applyWanted(find);
  }

  /** A group split's fraction and seed from a setup, applied once its column's file loads. */
  private groupSplitWanted: { testFraction: number; seed: number } | null = null;

  /** Metadata columns (and 1-D tensors) a group split can use: anything with one value per row. */
  get groupColumns(): { ref: ArrayRef; label: string }[] {
    return this.files.flatMap((f) => [
      ...f.columns.map((c) => ({ ref: { fileId: f.fileId, key: c.name }, label: `${f.name} › ${c.name} [${c.rows}]` })),
      ...f.tensors
        .filter((t) => t.shape.length === 1)
        .map((t) => ({
          ref: { fileId: f.fileId, key: t.key },
          label: `${f.name}${t.key ? ` › ${t.key}` : ''} [${t.shape[0]}]`,
        })),
    ]);
  }

  private applyPairing(): void {
    this.applyWanted();
    const pick = autoPair(this.files, {
      activations: this.activations,
      labels: this.labels,
      classNamesFile: this.classNamesFile,
      splitFile: this.split.kind === 'file' ? this.split.fileId : null,
    });
    this.activations = pick.activations;
    this.labels = pick.labels;
    this.classNamesFile = pick.classNamesFile;
    if (pick.splitFile && this.split.kind === 'random' && !this.wantedGroupColumn)
      this.split = { kind: 'file', fileId: pick.splitFile };
  }
}
