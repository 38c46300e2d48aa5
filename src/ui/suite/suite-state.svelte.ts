// The probe suite tab: its settings, extra data choices (contrast pairs, layers, an imported probe, a separate
// evaluation file, the sets of a transfer matrix), its job and latest result, and how they become a job spec from
// the Data panel's activations, labels and split.

import { DEFAULT_SUITE_SETTINGS, type SuiteSettings } from '../probe-views/suite-settings';
import { logspace } from '../../core/probes/regularization-path';
import type { SweepSetting } from '../../core/probes/probe-sweep';
import type { LabelledDataRefs, SplitRef } from '../../protocol';
import type { ArrayRef, FileId, FileSummary, JobSpec } from '../../protocol';
import type { NamedRef, SetupData } from '../runs/run-setup';
import { layerChoices, defaultContrastPair, type LayerChoice } from './suite-data';
import type { JobResult, ProbeResultSummary, ProbeSuiteResult, SuiteEvalOptions } from '../../protocol';
import { JobSlot } from '../jobs/job-slot.svelte';
import type { DataContext, JobHandlers, MethodState, RunDraft } from '../methods/method';
import { fillCell, startLiveSweep, type LiveSweep } from './live-sweep';
import { logisticRunName } from '../methods/logistic-method.svelte';
import { copyProgress } from '../progress-columns';
import type { RunSetup } from '../runs/run-setup';
import type { RunRecord } from '../runs/run-record';

export type SuiteDataChoice = Pick<DataContext, 'activations' | 'labels' | 'classNames' | 'split' | 'files'>;

/** One activations + labels pair from any loaded file (an evaluation file, a transfer set). */
export interface DataPair {
  activations: ArrayRef | null;
  labels: ArrayRef | null;
}

/** The classification methods whose result can also be evaluated on a separate file. */
export const EXTERNAL_EVAL_METHODS: readonly string[] = ['mass-mean', 'lda', 'regularization-path'];

export class SuiteState implements MethodState {
  readonly id = 'suite' as const;
  readonly label = 'Probe suite';
  readonly slot = new JobSlot('suite');
  readonly rerunsOnChange = true;
  live = $state(false);
  resultKey = $state<string | null>(null);
  /** The latest logistic probe trained from the suite (its 'logistic' method runs the logistic job). */
  logisticResult = $state.raw<ProbeResultSummary | null>(null);
  settings = $state<SuiteSettings>(structuredClone(DEFAULT_SUITE_SETTINGS));
  /** CCS contrast pairs; null: the keys named x_plus / x_minus, when a file has them. */
  xPlus = $state<ArrayRef | null>(null);
  xMinus = $state<ArrayRef | null>(null);
  /** A probe file (as exported by Probelab) to apply to the activations. */
  probeFile = $state.raw<{ name: string; bytes: Uint8Array } | null>(null);
  /** Train on the workbench's data, also evaluate on this pair (e.g. trusted → untrusted); null: off. */
  external = $state<DataPair | null>(null);
  /** 'layers': the layers of the activations' file; 'sets': the pairs below (different files). */
  transferSource = $state<'layers' | 'sets'>('layers');
  transferSets = $state<DataPair[]>([]);
  result = $state.raw<ProbeSuiteResult | null>(null);
  /** The grid of the probe sweep sent last, filling in as its cells stream in (null: the last job is no sweep). */
  sweepGrid = $state.raw<LiveSweep | null>(null);
  /** The kept run whose stored result is shown (opened from the Runs list); cleared by the next run. */
  openedRun = $state<string | null>(null);
  /** Data a shared setup asks for, by file name, applied as files of those names load. */
  private wanted: SetupData = {};

  /** The contrast pair in use: the user's choice, else the default keys. */
  pair(files: FileSummary[]): { xPlus: ArrayRef | null; xMinus: ArrayRef | null } {
    const d = defaultContrastPair(files);
    return { xPlus: this.xPlus ?? d.xPlus, xMinus: this.xMinus ?? d.xMinus };
  }

  /** The per-layer tensors a layer sweep or transfer matrix uses. */
  layers(data: Pick<SuiteDataChoice, 'files' | 'activations'>): LayerChoice[] {
    return layerChoices(data.files, data.activations);
  }

  /** Whether the chosen method evaluates on a separate file now. */
  get usesExternal(): boolean {
    return this.external !== null && EXTERNAL_EVAL_METHODS.includes(this.settings.method);
  }

  /** Why the chosen method cannot run with the current data, or null. */
  missing(data: SuiteDataChoice): string | null {
    const m = this.settings.method;
    if (m === 'ccs') {
      const p = this.pair(data.files);
      return p.xPlus && p.xMinus ? null : 'choose x_plus and x_minus (contrast pairs)';
    }
    if (m === 'apply-probe')
      return !this.probeFile ? 'choose a probe file' : data.activations ? null : 'choose activations';
    if (m === 'transfer' && this.transferSource === 'sets') {
      const complete = this.transferSets.filter((p) => p.activations && p.labels).length;
      return complete >= 2 && complete === this.transferSets.length
        ? null
        : 'choose activations and labels for at least two sets';
    }
    if (!data.activations) return 'choose activations';
    if (!data.labels) return m === 'ridge' ? 'choose numeric targets (the labels select)' : 'choose labels';
    if (m === 'probe-sweep' && this.sweepSettings().length === 0) return 'give at least one C or LDA shrinkage';
    if ((m === 'layer-sweep' || m === 'transfer') && this.layers(data).length < 2)
      return 'a sweep needs ≥ 2 layers: an [L, N, D] tensor or several [N, D] tensors with the same N';
    if (this.usesExternal && !(this.external!.activations && this.external!.labels))
      return "choose the evaluation file's activations and labels (or turn the evaluation file off)";
    return null;
  }

  get hasResult(): boolean {
    return (this.settings.method === 'logistic' ? this.logisticResult : this.result) !== null;
  }

  spec(data: SuiteDataChoice): JobSpec | null {
    if (this.missing(data)) return null;
    const s = this.settings;
    const evalOpts: SuiteEvalOptions = { ...s.evaluation };
    const ext = this.external;
    if (this.usesExternal && ext?.activations && ext.labels) {
      const name = data.files.find((f) => f.fileId === ext.activations!.fileId)?.name ?? 'evaluation file';
      evalOpts.external = { activations: ext.activations, labels: ext.labels, name };
    }
    const refs = (): LabelledDataRefs => ({
      activations: data.activations!,
      labels: data.labels!,
      classNames: data.classNames,
      split: data.split,
    });
    const suite = (x: Extract<JobSpec, { method: 'suite' }>['suite']): JobSpec => ({ method: 'suite', suite: x });
    switch (s.method) {
      case 'logistic':
        return {
          method: 'logistic',
          data: refs(),
          config: s.logistic,
        };
      case 'mass-mean':
        return suite({ method: 'mass-mean', data: refs(), config: s.massMean, eval: evalOpts });
      case 'lda':
        return suite({ method: 'lda', data: refs(), config: s.lda, eval: evalOpts });
      case 'ridge':
        return suite({
          method: 'ridge',
          data: { activations: data.activations!, targets: data.labels!, split: unstratified(data.split) },
          config: s.ridge,
        });
      case 'ccs': {
        const p = this.pair(data.files);
        return suite({
          method: 'ccs',
          data: { xPlus: p.xPlus!, xMinus: p.xMinus!, labels: data.labels ?? undefined, split: data.split },
          config: s.ccs,
          eval: evalOpts,
        });
      }
      case 'layer-sweep': {
        const { activations: _, ...rest } = refs();
        return suite({
          method: 'layer-sweep',
          data: { ...rest, layers: this.layers(data).map((l) => ({ name: l.name, activations: l.ref })) },
          config: { ...s.layerSweep, logistic: s.logistic },
          eval: evalOpts,
        });
      }
      case 'probe-sweep': {
        const { activations: _, ...rest } = refs();
        const p = s.probeSweep;
        return suite({
          method: 'probe-sweep',
          data: { ...rest, layers: this.layers(data).map((l) => ({ name: l.name, activations: l.ref })) },
          config: {
            logistic: s.logistic,
            ldaStandardize: s.lda.standardize,
            settings: this.sweepSettings(),
            selectBy: p.selectBy,
            folds: p.folds,
            seed: p.seed,
          },
          eval: evalOpts,
        });
      }
      case 'regularization-path': {
        const r = s.regularizationPath;
        return suite({
          method: 'regularization-path',
          data: refs(),
          config: {
            logistic: s.logistic,
            Cs: logspace(Math.log10(r.cMin), Math.log10(r.cMax), r.count),
            folds: r.folds,
            seed: r.seed,
          },
          eval: evalOpts,
        });
      }
      case 'transfer':
        return suite({ method: 'transfer', config: s.logistic, metric: 'accuracy', sets: this.transferSetsSpec(data) });
      case 'apply-probe':
        return suite({
          method: 'apply-probe',
          probe: this.probeFile!,
          activations: data.activations!,
          labels: data.labels ?? undefined,
          classNames: data.classNames,
        });
    }
  }

  /** The probe sweep's columns: logistic at each C, then LDA at each shrinkage. */
  sweepSettings(): SweepSetting[] {
    const p = this.settings.probeSweep;
    return [
      ...p.Cs.map((C): SweepSetting => ({ method: 'logistic', C })),
      ...p.ldaShrinkages.map((shrinkage): SweepSetting => ({ method: 'lda', shrinkage })),
    ];
  }

  /**
   * The transfer matrix's sets: the layers of one file, or the chosen pairs. Each chosen pair comes from its own
   * file, so a split file or a group column of the first file cannot apply: they get a seeded random split.
   */
  private transferSetsSpec(data: SuiteDataChoice): { name: string; data: LabelledDataRefs }[] {
    if (this.transferSource === 'layers') {
      return this.layers(data).map((l) => ({
        name: l.name,
        data: { activations: l.ref, labels: data.labels!, classNames: data.classNames, split: data.split },
      }));
    }
    const split: SplitRef =
      data.split.kind === 'random' ? data.split : { kind: 'random', testFraction: 0.25, seed: 0, stratify: true };
    const names = this.transferSets.map(
      (p) => data.files.find((f) => f.fileId === p.activations!.fileId)?.name ?? 'set',
    );
    return this.transferSets.map((p, i) => ({
      // Two sets from one file are told apart by their key.
      name: names.filter((n) => n === names[i]).length > 1 ? `${names[i]}:${p.activations!.key}` : names[i],
      data: { activations: p.activations!, labels: p.labels!, classNames: data.classNames, split },
    }));
  }

  /** A probe sweep's cells fill its grid as they arrive; any other job clears the grid. */
  follow(spec: JobSpec): Pick<JobHandlers, 'cell'> {
    this.openedRun = null;
    const grid = spec.method === 'suite' ? startLiveSweep(spec.suite) : null;
    this.sweepGrid = grid;
    if (!grid) return {};
    return {
      // The workbench drops a superseded job's messages, so every cell heard here is of the grid just started.
      cell: (c) => {
        if (this.sweepGrid) this.sweepGrid = fillCell(this.sweepGrid, c);
      },
    };
  }

  accept(result: JobResult, data: DataContext): RunDraft | null {
    const dataName = data.setupData.activations?.fileName ?? 'data';
    const progress = copyProgress(this.slot.progress);
    if (result.method === 'logistic') {
      this.logisticResult = result;
      return { name: logisticRunName(this.settings.logistic, dataName), setup: this.setup(data), result, progress };
    }
    if (result.method !== 'suite') return null;
    this.result = result.result;
    // Applying an imported probe trains nothing: it is not kept as a run.
    if (result.result.method === 'apply-probe') return null;
    return { name: `${this.describe()} · ${dataName}`, setup: this.setup(data), result, progress };
  }

  showRun(run: RunRecord): boolean {
    if (run.setup.method !== 'suite' || run.result.method !== 'suite') return false;
    this.settings = structuredClone(run.setup.suite);
    this.result = run.result.result;
    // Not the key of anything on the page: the data it was trained on may not be loaded.
    this.resultKey = null;
    this.openedRun = run.name;
    return true;
  }

  setup(data: DataContext): RunSetup {
    return $state.snapshot({
      version: 1 as const,
      method: 'suite' as const,
      suite: this.settings,
      split: data.setupSplit,
      data: { ...data.setupData, ...this.setupData((r) => data.named(r)) },
    });
  }

  applySetup(setup: RunSetup): boolean {
    this.want(setup.method === 'suite' ? setup.data : {});
    if (setup.method !== 'suite') return false;
    this.settings = structuredClone(setup.suite);
    return true;
  }

  /** A short name for a kept run: the method and its main setting. */
  describe(): string {
    const s = this.settings;
    switch (s.method) {
      case 'lda':
        return `lda shrinkage=${s.lda.shrinkage}`;
      case 'mass-mean':
        return `mass-mean ${s.massMean.variant}`;
      case 'ridge':
        return `ridge α=${s.ridge.alpha}`;
      case 'ccs':
        return `ccs l2=${s.ccs.l2} seed=${s.ccs.seed}`;
      case 'layer-sweep':
        return `layer sweep C=${s.logistic.C}`;
      case 'probe-sweep':
        return `probe sweep ${this.sweepSettings().length} settings × layers`;
      case 'regularization-path':
        return `C path ${s.regularizationPath.cMin}…${s.regularizationPath.cMax}`;
      case 'transfer':
        return `transfer C=${s.logistic.C}`;
      default:
        return s.method;
    }
  }

  /** The suite's own data choices for a run setup, by file name and key. */
  setupData(named: (r: ArrayRef | null) => NamedRef | undefined): Pick<SetupData, 'external' | 'sets'> {
    const pair = (p: DataPair) =>
      p.activations && p.labels ? { activations: named(p.activations)!, labels: named(p.labels)! } : null;
    const out: Pick<SetupData, 'external' | 'sets'> = {};
    const ext = this.usesExternal && this.external ? pair(this.external) : null;
    if (ext) out.external = ext;
    if (this.settings.method === 'transfer' && this.transferSource === 'sets')
      out.sets = this.transferSets.map(pair).filter((p) => p !== null);
    return out;
  }

  /** Remembers what a setup asks for; applyWanted fills it in as files arrive. */
  want(data: SetupData): void {
    this.wanted = { external: data.external, sets: data.sets };
    if (data.sets?.length) {
      this.transferSource = 'sets';
      this.transferSets = data.sets.map(() => ({ activations: null, labels: null }));
    }
    if (data.external) this.external = { activations: null, labels: null };
  }

  applyWanted(find: (want?: NamedRef) => ArrayRef | null): void {
    const w = this.wanted;
    if (w.external && this.external) {
      this.external = {
        activations: find(w.external.activations) ?? this.external.activations,
        labels: find(w.external.labels) ?? this.external.labels,
      };
    }
    if (w.sets) {
      this.transferSets = w.sets.map((p, i) => ({
        activations: find(p.activations) ?? this.transferSets[i]?.activations ?? null,
        labels: find(p.labels) ?? this.transferSets[i]?.labels ?? null,
      }));
    }
  }

  /** Drops choices that point into a removed file. */
  forgetFile(fileId: FileId): void {
    const clear = (p: DataPair): DataPair => ({
      activations: p.activations?.fileId === fileId ? null : p.activations,
      labels: p.labels?.fileId === fileId ? null : p.labels,
    });
    if (this.external) this.external = clear(this.external);
    this.transferSets = this.transferSets.map(clear);
    if (this.xPlus?.fileId === fileId) this.xPlus = null;
    if (this.xMinus?.fileId === fileId) this.xMinus = null;
  }
}

/** Numeric targets cannot be stratified by class. */
function unstratified(split: SplitRef): SplitRef {
  return split.kind === 'random' ? { ...split, stratify: false } : split;
}
