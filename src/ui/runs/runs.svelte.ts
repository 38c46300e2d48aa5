// The run list: every finished run saved to IndexedDB, renamed, deleted, exported, imported and compared.
import { exportRun, importRun, type RunRecord } from './run-record';
import type { SetupData } from './run-setup';
import type { SaeConfig } from '../../core/sae/config';
import type { EngineInfo } from '../../core/engine/engine';
import { RunStore } from './run-store';
import type { SaeResultSummary } from '../../protocol';

/** What an SAE run needs to be kept: its config (the seed and held-out fraction define its split), data and curves. */
export interface SaeRunInput {
  result: SaeResultSummary;
  config: SaeConfig;
  /** Which arrays were used, by file name and key (a colleague's files have their own ids). */
  data: SetupData;
  engine: EngineInfo | null;
  /** The job's progress columns (SAE_PROGRESS_FIELDS): FVU / L0 curves for the comparison overlay. */
  progress: { fields: readonly string[]; columns: ArrayLike<number | null>[] };
  name?: string;
}

export class RunsState {
  list = $state.raw<RunRecord[]>([]);
  /** Ids of runs ticked for side-by-side comparison. */
  compared = $state<string[]>([]);
  storageError = $state<string | null>(null);
  private store: Promise<RunStore | null>;
  private counter = 0;

  constructor(dbName = 'probelab') {
    this.store = RunStore.open(dbName)
      .then(async (s) => {
        this.list = await s.list();
        return s;
      })
      .catch((e) => {
        this.storageError = `runs cannot be kept in this browser (${(e as Error).message}); they last until the page closes`;
        return null;
      });
  }

  private async persist(action: (s: RunStore) => Promise<void>): Promise<void> {
    const s = await this.store;
    if (!s) return;
    try {
      await action(s);
    } catch (e) {
      this.storageError = `saving runs failed: ${(e as Error).message}`;
    }
  }

  async add(run: Omit<RunRecord, 'id' | 'createdAt'>): Promise<RunRecord> {
    const record: RunRecord = {
      ...run,
      id: `run-${Date.now().toString(36)}-${(this.counter++).toString(36)}`,
      createdAt: Date.now(),
    };
    this.list = [record, ...this.list];
    await this.persist((s) => s.put(record));
    return record;
  }

  /**
   * Keeps a finished SAE run beside the probe runs. For the SAE tab (src/ui/sae) to call when a 'sae' job is
   * done; the split is the one the SAE job draws from the config (seeded random, unstratified).
   */
  saveSaeRun(input: SaeRunInput): Promise<RunRecord> {
    const c = input.config;
    const r = input.result;
    return this.add({
      name:
        input.name ??
        `sae ${r.architecture} ${r.dIn}→${r.dSae}${r.k !== null ? ` k=${r.k}` : ''} · ${input.data.activations?.fileName ?? 'data'}`,
      setup: {
        version: 1,
        method: 'sae',
        config: { ...c },
        split: { kind: 'random', testFraction: c.heldOutFraction, seed: c.seed, stratify: false },
        data: input.data,
      },
      engine: input.engine,
      progress: { fields: [...input.progress.fields], columns: input.progress.columns.map((col) => Array.from(col)) },
      result: { method: 'sae', result: r },
    });
  }

  async rename(id: string, name: string): Promise<void> {
    this.list = this.list.map((r) => (r.id === id ? { ...r, name } : r));
    await this.persist((s) => s.rename(id, name));
  }

  async remove(id: string): Promise<void> {
    this.list = this.list.filter((r) => r.id !== id);
    this.compared = this.compared.filter((c) => c !== id);
    await this.persist((s) => s.delete(id));
  }

  toggleCompare(id: string): void {
    this.compared = this.compared.includes(id) ? this.compared.filter((c) => c !== id) : [...this.compared, id];
  }

  /** A downloadable export: the run's setup, curves, metrics and weights, bit-exact. */
  exportBlob(id: string): { name: string; blob: Blob } | null {
    const run = this.list.find((r) => r.id === id);
    if (!run) return null;
    const safe = run.name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'run';
    return { name: `${safe}.probelab-run.json`, blob: new Blob([exportRun(run)], { type: 'application/json' }) };
  }

  /** Imports an exported run; a run with an id already present is kept once. */
  async importFile(file: Blob, name: string): Promise<RunRecord> {
    const run = importRun(await file.text(), name);
    this.list = [run, ...this.list.filter((r) => r.id !== run.id)];
    await this.persist((s) => s.put(run));
    return run;
  }
}
