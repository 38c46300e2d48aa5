// The sparse-autoencoder tab's state: the live config, data choices (ground truth, browser metadata), the
// latest result per run (the user's data and each sanity baseline), an imported dictionary, and what the last
// live edit did. Builds the job specs; the workbench owns the worker and routes results here.

import { DEFAULT_SAE_CONFIG, type ChangeEffect, type SaeConfig } from '../../core/sae/config';
import { DEFAULT_CHECKPOINT_POLICY } from '../../core/sae/checkpoint';
import { SaeCheckpoints } from '../checkpoints/sae-checkpoints.svelte';
import type { ArrayRef, FileSummary, JobSpec } from '../../protocol';
import type { ImportedDictionary } from './read-dictionary';
import type { SaeBrowserSpec, SaeResultSummary } from '../../protocol';

/** Which run a job is: the user's data, a sanity baseline, or an imported dictionary's evaluation. */
export type SaeRunTag = 'main' | 'shuffled' | 'imported' | `file:${string}`;

/** Control files that have (almost) no sparse structure; matched by name when loaded. */
const BASELINE_FILES = [/^gaussian_mixture_12/i, /^uniform_square/i];

export interface SaeDataChoice {
  activations: ArrayRef | null;
  labels: ArrayRef | null;
  classNames?: string[];
  files: FileSummary[];
}

export class SaeState {
  config = $state<SaeConfig>({ ...DEFAULT_SAE_CONFIG });
  /** Planted ground-truth dictionary for MMCS; null: a file named planted_dictionary*, when loaded. */
  groundTruth = $state<ArrayRef | null>(null);
  /** Metadata text for the feature browser; null: a loaded table's `text` column, when there is one. */
  text = $state<ArrayRef | null>(null);
  browse = $state(true);
  labelMix = $state(true);
  result = $state.raw<SaeResultSummary | null>(null);
  /** Results by run tag; the baseline table reads these. */
  results = $state.raw<Record<string, SaeResultSummary>>({});
  dictionary = $state.raw<ImportedDictionary | null>(null);
  /** What the last live edit did ("continued …" / "restarted …"), shown beside the settings. */
  editNote = $state('');
  /** The run the current job is; results arrive under this tag. */
  tag = $state<SaeRunTag>('main');
  /** Checkpoint every this many steps (and every 30 s, and on pause). */
  checkpointEvery = $state(DEFAULT_CHECKPOINT_POLICY.everySteps);
  readonly checkpoints: SaeCheckpoints;

  constructor(checkpointDb?: string) {
    this.checkpoints = new SaeCheckpoints(checkpointDb);
  }

  defaultGroundTruth(files: FileSummary[]): ArrayRef | null {
    const f = files.find((f) => /^planted_dictionary/i.test(f.name) && f.tensors.some((t) => t.shape.length === 2));
    return f ? { fileId: f.fileId, key: f.tensors.find((t) => t.shape.length === 2)!.key } : null;
  }

  defaultText(files: FileSummary[]): ArrayRef | null {
    for (const f of files) {
      const c =
        f.columns.find((c) => !c.numeric && /^(text|prompt|sentence|document)$/i.test(c.name)) ??
        f.columns.find((c) => !c.numeric);
      if (c) return { fileId: f.fileId, key: c.name };
    }
    return null;
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

  missing(data: SaeDataChoice): string | null {
    return data.activations ? null : 'choose activations';
  }

  spec(tag: SaeRunTag, data: SaeDataChoice): JobSpec {
    const groundTruth = this.groundTruth ?? this.defaultGroundTruth(data.files) ?? undefined;
    const browser: SaeBrowserSpec | undefined = this.browse
      ? {
          text: this.text ?? this.defaultText(data.files) ?? undefined,
          labels: this.labelMix && data.labels ? data.labels : undefined,
          classNames: data.classNames,
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
          groundTruth,
          browser,
        },
      };
    }
    if (tag.startsWith('file:')) {
      const f = data.files.find((f) => f.fileId === tag.slice(5));
      if (!f) throw new Error('the baseline file was removed');
      // Controls have their own rows: no labels, texts or planted features of the user's data apply to them.
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
        groundTruth: tag === 'main' ? groundTruth : undefined,
        browser: tag === 'main' ? browser : undefined,
        checkpoint: this.policy(),
      },
    };
  }

  private policy() {
    return { ...DEFAULT_CHECKPOINT_POLICY, everySteps: Math.max(1, Math.round(this.checkpointEvery)) };
  }

  /** Describes a live edit's outcome for the page; `lastStep` is the last step reported before the answer. */
  noteEffect(effect: ChangeEffect, lastStep: number | null): void {
    this.editNote =
      effect.effect === 'continue'
        ? `Change applied; the run continued${lastStep !== null ? ` (from step ${lastStep + 1})` : ''} with its weights and optimizer state.`
        : `The run restarted${effect.because.length ? `: changing ${effect.because.join(', ')} needs fresh weights` : ' with the new settings (the previous run had ended)'}.`;
  }

  accept(result: SaeResultSummary): void {
    this.results = { ...this.results, [this.tag]: result };
    this.result = result;
  }
}

function baselineRef(f: FileSummary): ArrayRef | null {
  const t = f.tensors.find((t) => t.shape.length === 2);
  return t ? { fileId: f.fileId, key: t.key } : null;
}
