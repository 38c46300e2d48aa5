// The workbench: loaded files, the Data panel's selection (activations, labels, class names, row metadata) and the
// dataset's split, the worker, the run history, and the methods, one state class each in a map keyed by method id.
// Each method owns its settings, job slot, results and runs; the workbench routes worker messages to the slot that
// sent the job and never asks which method it is talking to.

import type { EngineInfo, EnginePreference } from '../core/engine/engine';
import {
  type ArrayRef,
  type ErrorReport,
  type FileId,
  type FileSummary,
  type FromWorker,
  type InjectedFault,
  type JobSpec,
  assertNever,
} from '../protocol';
import { startTrainingWorker, type WorkerClient } from './worker-client';
import { alignLabels, EMPTY_SELECTION, pairBatch, rowsOf, type RowMeta } from './auto-pair';
import {
  groupColumns,
  labelsProblem,
  rowMetaStatus,
  rowTextRef,
  splitProblem,
  type GroupColumn,
  type RowMetaStatus,
} from './data-checks';
import { RunsState } from './runs/runs.svelte';
import type { NamedRef, RunSetup, SetupData, SetupSplit } from './runs/run-setup';
import type { RunRecord } from './runs/run-record';
import { openTable, type TableColumn } from '../core/formats/table';
import { blobSource } from '../core/formats/byte-source';
import type { JobSlot } from './jobs/job-slot.svelte';
import { clock } from './jobs/clock.svelte';
import {
  METHOD_IDS,
  runMethod,
  type DataContext,
  type JobHandlers,
  type JobPort,
  type MethodId,
  type MethodState,
  type RunDraft,
} from './methods/method';
import { LogisticMethod } from './methods/logistic-method.svelte';
import { SuiteState } from './suite/suite-state.svelte';
import { SaeState } from './sae/sae-state.svelte';
import { DetectorMethod } from './analysis/detector-method.svelte';
import { ErasureMethod } from './analysis/erasure-method.svelte';
import { PcaMethod } from './analysis/pca-method.svelte';
import { StatsMethod } from './analysis/stats-method.svelte';
import type { ProgressColumns } from './progress-columns';
import { stableKey } from './runs/run-key';
import { RANDOM_SPLIT, type SplitChoice } from './split-choice';

export type { MethodId } from './methods/method';

/**
 * Slider changes within this window coalesce into one retrain. Short, because the worker already drops
 * superseded jobs between steps; the window only spares it from starting one per pixel of a drag.
 */
const RETRAIN_DEBOUNCE_MS = 60;

/** Every method, one state class each. */
export interface Methods {
  logistic: LogisticMethod;
  suite: SuiteState;
  sae: SaeState;
  detector: DetectorMethod;
  erasure: ErasureMethod;
  pca: PcaMethod;
  stats: StatsMethod;
}

interface InFlight {
  slot: JobSlot;
  spec: JobSpec;
  handlers: JobHandlers;
}

/** Files dropped (or fetched) together: once all have loaded, they are paired into a selection. */
interface Batch {
  // Plain sets: bookkeeping of the load, never rendered.
  files: Set<FileId>;
  pending: Set<FileId>;
  /** The demo: selected only when nothing else is. */
  weak: boolean;
}

function newBatch(weak: boolean): Batch {
  return { files: new Set(), pending: new Set(), weak };
}

export class Workbench {
  engine = $state<EngineInfo | null>(null);
  engineError = $state<string | null>(null);
  /** The engine asked for: 'auto' (WebGPU when present) or 'cpu' (the page's engine setting, or ?engine=). */
  preference = $state<EnginePreference>('auto');
  files = $state<FileSummary[]>([]);
  loading = $state<Record<FileId, { name: string; done: number; total: number }>>({});
  errors = $state<ErrorReport[]>([]);
  activations = $state<ArrayRef | null>(null);
  labels = $state<ArrayRef | null>(null);
  classNamesFile = $state<FileId | null>(null);
  rowMeta = $state<RowMeta | null>(null);
  /** The dataset's split: every method uses it unless the Data panel overrides it for that method. */
  split = $state<SplitChoice>({ ...RANDOM_SPLIT });
  splitOverrides = $state<Partial<Record<MethodId, SplitChoice>>>({});
  method = $state<MethodId>('logistic');
  readonly runs: RunsState;
  readonly methods: Methods;
  /** How methods send jobs and keep runs. */
  readonly port: JobPort;

  /** File names and keys a shared setup asks for, applied as matching files arrive. */
  private wantedData: SetupData | null = null;
  private wantedSplitFile: string | null = null;
  private wantedGroupColumn: NamedRef | null = null;
  /** A group split's fraction and seed from a setup, applied once its column's file loads. */
  private groupSplitWanted: { testFraction: number; seed: number } | null = null;

  private worker: WorkerClient;
  private nextFileId = 1;
  private jobId = 0;
  private debounce: ReturnType<typeof setTimeout> | null = null;
  /** Jobs sent and not yet ended, by id: messages are routed to their slot; a restarted worker resends them. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private inFlight = new Map<number, InFlight>();
  private batches: Batch[] = [];
  /** Files of the demo: never paired into another dataset's selection. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private background = new Set<FileId>();
  /** File handles kept on the UI side so a restarted worker can reopen them (not state: nothing renders them). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private handles = new Map<FileId, File | Blob>();

  constructor(preference: EnginePreference = 'auto', runsDb = 'probelab') {
    this.preference = preference;
    this.runs = new RunsState(runsDb);
    const logistic = new LogisticMethod();
    this.methods = {
      logistic,
      suite: new SuiteState(),
      sae: new SaeState(),
      detector: new DetectorMethod(),
      erasure: new ErasureMethod(() => $state.snapshot(logistic.config)),
      pca: new PcaMethod(),
      stats: new StatsMethod(),
    };
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const wb = this;
    this.port = {
      send: (slot, spec, handlers, carry) => this.send(slot, spec, handlers, carry),
      post: (message) => this.worker.send(message),
      keep: (draft) => this.keep(draft),
      notify: (report) => (this.errors = [...this.errors, report]),
      get ready() {
        return wb.engine !== null;
      },
    };
    this.worker = this.startWorker();
    clock.start();
  }

  /** The method on screen. */
  get current(): MethodState {
    return this.methods[this.method];
  }

  get methodList(): MethodState[] {
    return METHOD_IDS.map((id) => this.methods[id]);
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
    const jobs = [...this.inFlight.values()];
    this.inFlight.clear();
    // A checkpointed run (SAE) is not restarted from scratch: the page offers to resume it from its checkpoint.
    const resumable = jobs.filter((j) => j.handlers.checkpoint);
    const restart = jobs.filter((j) => !j.handlers.checkpoint);
    for (const j of resumable) {
      j.slot.lost();
      j.handlers.stopped?.();
    }
    this.errors = [
      ...this.errors,
      {
        level: 'info',
        message: `The training worker stopped (${reason}); it was restarted, your files reloaded${resumable.length ? '; the SAE run can resume from its last checkpoint' : ''}${restart.length ? ' and the run restarted' : ''}. Finished runs are kept.`,
      },
    ];
    this.engine = null;
    this.worker = this.startWorker();
    // Files are reopened in the order they were added, so the restarted jobs find them all.
    for (const [fileId, file] of this.handles) {
      this.worker.send({
        type: 'load-file',
        fileId,
        file,
        name: this.files.find((f) => f.fileId === fileId)?.name ?? 'file',
      });
    }
    for (const j of restart) this.send(j.slot, j.spec, j.handlers);
  }

  /** Fault injection from the diagnostics panel (and the recovery tests). */
  injectFault(fault: InjectedFault): void {
    this.worker.send({ type: 'inject-fault', fault });
  }

  addFiles(files: Iterable<File>): void {
    const batch = newBatch(false);
    for (const file of files) {
      if (/\.probelab-run\.json$/i.test(file.name)) {
        this.runs.importFile(file, file.name).catch((e) => {
          this.errors = [...this.errors, { file: file.name, message: (e as Error).message }];
        });
      } else {
        const id = this.addBlob(file, file.name);
        batch.files.add(id);
        batch.pending.add(id);
      }
    }
    if (batch.files.size) this.batches.push(batch);
  }

  /** Reads a file in the worker; returns its id. */
  addBlob(file: Blob, name: string): FileId {
    const fileId = `f${this.nextFileId++}`;
    this.handles.set(fileId, file);
    this.loading = { ...this.loading, [fileId]: { name, done: 0, total: file.size } };
    this.worker.send({ type: 'load-file', fileId, file, name });
    return fileId;
  }

  removeFile(fileId: FileId): void {
    this.handles.delete(fileId);
    this.files = this.files.filter((f) => f.fileId !== fileId);
    if (this.activations?.fileId === fileId) this.activations = null;
    if (this.labels?.fileId === fileId) this.labels = null;
    if (this.classNamesFile === fileId) this.classNamesFile = null;
    if (this.rowMeta?.fileId === fileId) this.rowMeta = null;
    const uses = (s: SplitChoice | undefined) =>
      (s?.kind === 'file' && s.fileId === fileId) || (s?.kind === 'group' && s.column.fileId === fileId);
    if (uses(this.split)) this.split = { ...RANDOM_SPLIT };
    for (const id of METHOD_IDS) if (uses(this.splitOverrides[id])) this.setSplitOverride(id, null);
    this.methods.suite.forgetFile(fileId);
    this.worker.send({ type: 'forget-file', fileId });
  }

  dismissError(index: number): void {
    this.errors = this.errors.filter((_, i) => i !== index);
  }

  /** The built-in demo: loaded beside the user's files, selected only while nothing else is. */
  async loadDemo(base = './demo/'): Promise<void> {
    const manifest = (await (await fetch(`${base}manifest.json`)).json()) as { files: string[] };
    // Fetched first and added together, so the batch is paired once all of it has loaded.
    const blobs = await Promise.all(manifest.files.map(async (name) => (await fetch(`${base}${name}`)).blob()));
    const batch = newBatch(true);
    manifest.files.forEach((name, i) => {
      const id = this.addBlob(blobs[i], name);
      batch.files.add(id);
      batch.pending.add(id);
      this.background.add(id);
    });
    this.batches.push(batch);
  }

  /** Whether a file is the built-in demo's (shown, never paired into another dataset's selection). */
  isBackground(fileId: FileId): boolean {
    return this.background.has(fileId);
  }

  // ---- The Data panel's selection, as each method sees it ----

  /** Rows of the chosen activations (null: none chosen). */
  get rows(): number | null {
    return this.activations ? (rowsOf(this.files, this.activations) ?? null) : null;
  }

  /** A row-count mismatch between the labels and the activations, said in place (never paired silently). */
  get labelsProblem(): string | null {
    return labelsProblem(this.files, this.activations, this.labels);
  }

  /** The row metadata table, and whether it attaches to the activations (same rows, or an id column). */
  get rowMetaStatus(): RowMetaStatus | null {
    return rowMetaStatus(this.files, this.rowMeta, this.rows);
  }

  /** The text column of the attached row metadata, as a ref aligned to the activations; null when none. */
  get rowText(): ArrayRef | null {
    return rowTextRef(this.rowMetaStatus, this.rowMeta, this.activations);
  }

  classNames(): string[] | undefined {
    return this.files.find((f) => f.fileId === this.classNamesFile)?.classNames;
  }

  /** The split a method uses: its override from the Data panel, or the dataset's. */
  splitFor(id: MethodId): SplitChoice {
    return this.splitOverrides[id] ?? this.split;
  }

  setSplitOverride(id: MethodId, choice: SplitChoice | null): void {
    const { [id]: _, ...rest } = this.splitOverrides;
    this.splitOverrides = choice ? { ...rest, [id]: choice } : rest;
  }

  /** Why a split does not fit the chosen activations (a split file or group column of another dataset), or null. */
  splitProblem(split: SplitChoice): string | null {
    return splitProblem(this.files, split, this.rows);
  }

  private setupSplit(split: SplitChoice): SetupSplit {
    if (split.kind === 'file') return { kind: 'file', fileName: this.fileName(split.fileId) ?? '' };
    if (split.kind === 'group')
      return { kind: 'group', column: this.named(split.column)!, testFraction: split.testFraction, seed: split.seed };
    return { ...split };
  }

  /** The data a method works on now. */
  data(id: MethodId): DataContext {
    const split = this.splitFor(id);
    return {
      files: this.files,
      activations: this.activations,
      labels: this.labels,
      classNames: this.classNames(),
      split: { ...split },
      rowText: this.rowText,
      rows: this.rows,
      setupSplit: this.setupSplit(split),
      setupData: {
        activations: this.named(this.activations),
        labels: this.named(this.labels),
        classNames: this.fileName(this.classNamesFile ?? undefined),
      },
      named: (r) => this.named(r),
    };
  }

  /** Why the method on screen cannot run yet, or null. */
  get missing(): string | null {
    return this.missingFor(this.method);
  }

  missingFor(id: MethodId): string | null {
    if (!this.engine)
      return this.engineError ? `no engine: ${this.engineError}` : 'waiting for the GPU engine to start';
    const m = this.methods[id];
    const data = this.data(id);
    const own = m.missing(data);
    if (own) return own;
    if (data.labels && this.labelsProblem) return this.labelsProblem;
    return this.splitProblem(this.splitFor(id));
  }

  get canTrain(): boolean {
    return this.missing === null;
  }

  /** The key of what the method would run now: a result with another key is from previous settings. */
  currentKey(id: MethodId): string | null {
    const spec = this.methods[id].spec(this.data(id));
    return spec ? stableKey(spec) : null;
  }

  // ---- Jobs ----

  train(id: MethodId = this.method): void {
    if (this.missingFor(id)) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    runMethod(this.methods[id], this.port, this.data(id));
  }

  /** Stops a method's job (and its live retraining until the next explicit run). */
  stop(id: MethodId = this.method): void {
    const m = this.methods[id];
    m.live = m.live && !m.rerunsOnChange;
    if (m.slot.jobId !== null && m.slot.busy) this.worker.send({ type: 'cancel', jobId: m.slot.jobId });
  }

  /** Called by every settings control: reruns the method on screen after a short quiet period once it is live. */
  settingsChanged(): void {
    const m = this.current;
    if (!m.live || !m.rerunsOnChange || !this.canTrain) return;
    if (this.debounce) clearTimeout(this.debounce);
    const id = this.method;
    this.debounce = setTimeout(() => this.train(id), RETRAIN_DEBOUNCE_MS);
  }

  /** Shows a method. A live method whose settings or data changed while it was hidden reruns; nothing else starts. */
  select(id: MethodId): void {
    if (id === this.method) return;
    this.method = id;
    const m = this.methods[id];
    if (m.live && m.rerunsOnChange && !m.slot.busy && m.resultKey !== this.currentKey(id)) this.settingsChanged();
  }

  private send(slot: JobSlot, jobSpec: JobSpec, handlers: JobHandlers, carry?: ProgressColumns): number {
    const jobId = ++this.jobId;
    if (slot.jobId !== null) this.inFlight.delete(slot.jobId);
    // Snapshots: reactive proxies cannot be structured-cloned into the worker.
    const spec = $state.snapshot(jobSpec) as JobSpec;
    slot.sent(jobId, carry);
    this.inFlight.set(jobId, { slot, spec, handlers });
    this.worker.send({ type: 'train', jobId, lane: slot.lane, spec });
    return jobId;
  }

  /**
   * Restarts the worker's engine on another preference: the CPU on purpose for small jobs, where starting a GPU
   * costs more than the work. Files stay loaded; a running job restarts on the new engine.
   */
  chooseEngine(preference: EnginePreference): void {
    if (preference === this.preference) return;
    this.preference = preference;
    this.engine = null;
    this.engineError = null;
    this.worker.send({ type: 'set-engine', preference });
  }

  private keep(draft: RunDraft): void {
    void this.runs.keep({ ...draft, engine: $state.snapshot(this.engine) });
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
        this.fileSettled(m.summary.fileId);
        return;
      }
      case 'file-error': {
        const { [m.fileId]: _, ...rest } = this.loading;
        this.loading = rest;
        this.handles.delete(m.fileId);
        this.errors = [...this.errors, m.error];
        this.fileSettled(m.fileId);
        return;
      }
      case 'job-started':
      case 'job-progress':
      case 'job-stage':
      case 'sweep-cell':
      case 'job-done':
      case 'job-cancelled':
      case 'job-updated':
      case 'sae-checkpoint':
      case 'job-error':
        this.onJobMessage(m);
        return;
      default:
        assertNever(m);
    }
  }

  /** A job's message goes to the slot that sent it; messages of jobs superseded in their slot are dropped. */
  private onJobMessage(m: Extract<FromWorker, { jobId: number }>): void {
    const job = this.inFlight.get(m.jobId);
    if (!job || job.slot.jobId !== m.jobId) return;
    const { slot, handlers } = job;
    switch (m.type) {
      case 'job-started':
        slot.started(m.info);
        return;
      case 'job-progress':
        slot.point(m.point);
        return;
      case 'job-stage':
        slot.stage = m.message;
        return;
      case 'sweep-cell':
        handlers.cell?.(m.cell);
        return;
      case 'job-done':
        this.inFlight.delete(m.jobId);
        slot.done();
        handlers.done(m.result);
        return;
      case 'job-cancelled':
        this.inFlight.delete(m.jobId);
        slot.cancelled();
        handlers.stopped?.();
        return;
      case 'job-error':
        this.inFlight.delete(m.jobId);
        slot.failed(m.error.message);
        handlers.failed?.(m.error.message);
        return;
      case 'job-updated':
        handlers.updated?.(m.effect);
        return;
      case 'sae-checkpoint':
        handlers.checkpoint?.(m);
        return;
    }
  }

  // ---- Files and pairing ----

  private fileSettled(fileId: FileId): void {
    for (const b of this.batches) b.pending.delete(fileId);
    const ready = this.batches.filter((b) => b.pending.size === 0);
    this.batches = this.batches.filter((b) => b.pending.size > 0);
    for (const b of ready) this.adopt(b);
    this.applyWanted();
  }

  /** A loaded batch becomes the selection (or joins it): see pairBatch. */
  private adopt(batch: Batch): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const loaded = new Set<FileId>([...batch.files].filter((id) => this.files.some((f) => f.fileId === id)));
    if (!loaded.size) return;
    const before = {
      ...EMPTY_SELECTION,
      activations: this.activations,
      labels: this.labels,
      classNamesFile: this.classNamesFile,
      rowMeta: this.rowMeta,
    };
    const pick = pairBatch(this.files, loaded, before, { weak: batch.weak, background: this.background });
    const newData = pick.activations !== before.activations;
    this.activations = pick.activations;
    this.labels = pick.labels;
    this.classNamesFile = pick.classNamesFile;
    this.rowMeta = pick.rowMeta;
    if (pick.splitFile) this.split = { kind: 'file', fileId: pick.splitFile };
    else if (newData && this.splitProblem(this.split)) this.split = { ...RANDOM_SPLIT };
    if (newData) {
      for (const id of METHOD_IDS) {
        const o = this.splitOverrides[id];
        if (o && this.splitProblem(o)) this.setSplitOverride(id, null);
      }
    }
    this.settingsChanged();
  }

  /** Sets the activations and keeps the labels aligned (per-token repetition, dropped rows). */
  setActivations(ref: ArrayRef | null): void {
    this.activations = ref;
    if (this.labels) this.labels = alignLabels(this.labels, ref);
    this.settingsChanged();
  }

  setLabels(ref: ArrayRef | null): void {
    this.labels = ref && alignLabels(ref, this.activations);
    this.settingsChanged();
  }

  /** The columns of the row metadata table (CSV/JSONL), read on the page, for exports beside row metadata. */
  async rowMetadata(): Promise<TableColumn[]> {
    const f = this.rowMetaStatus?.attached ? this.rowMetaStatus.file : undefined;
    const blob = f && this.handles.get(f.fileId);
    if (!f || !blob) return [];
    return (await openTable(blobSource(blob, f.name))).columns;
  }

  private fileName(fileId: FileId | undefined): string | undefined {
    return this.files.find((f) => f.fileId === fileId)?.name;
  }

  private named(r: ArrayRef | null | undefined): NamedRef | undefined {
    return r ? { fileName: this.fileName(r.fileId) ?? '', key: r.key } : undefined;
  }

  /** The setup of the method on screen without the data, for sharing by URL. */
  currentSetup(): RunSetup | null {
    return this.current.setup(this.data(this.method));
  }

  /** Whether a kept run's stored result can be shown again (a probe-suite result, an SAE sweep). */
  canOpen(run: RunRecord): boolean {
    return run.result.method === 'suite' || run.result.method === 'sae-sweep';
  }

  /**
   * Shows a kept run's stored result in its method's tab with its settings: nothing is retrained, and the settings
   * applied do not start a rerun (the next change or Run does, as usual).
   */
  openRun(run: RunRecord): void {
    for (const id of METHOD_IDS) {
      const m: MethodState = this.methods[id];
      if (m.showRun?.(run)) {
        this.method = id;
        return;
      }
    }
  }

  /** Applies a shared or earlier setup: settings at once, data choices as files of those names load. */
  applySetup(setup: RunSetup): void {
    for (const id of METHOD_IDS) if (this.methods[id].applySetup(setup)) this.method = id;
    if (setup.split.kind === 'random') this.split = { ...setup.split };
    this.wantedSplitFile = setup.split.kind === 'file' ? setup.split.fileName : null;
    this.wantedGroupColumn = setup.split.kind === 'group' ? setup.split.column : null;
    if (setup.split.kind === 'group')
      this.groupSplitWanted = { testFraction: setup.split.testFraction, seed: setup.split.seed };
    this.wantedData = setup.data;
    this.applyWanted();
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
    this.methods.suite.applyWanted(find);
  }

  /** Metadata columns (and 1-D tensors) a group split can use: anything with one value per row. */
  get groupColumns(): GroupColumn[] {
    return groupColumns(this.files);
  }
}
