// The runs: an automatic history of finished runs (one entry per distinct setup: the same data and the same
// settings are the same run, so a rerun replaces its entry; capped, oldest dropped) and the runs the user pinned
// (kept until deleted). All live in IndexedDB; they can be renamed, deleted, exported, imported and compared.
import { exportRun, importRun, type RunRecord } from './run-record';
import { RunStore } from './run-store';
import { addToHistory } from './run-history';

/** A finished run to keep: its setup (data and settings), engine, curves and result. */
export type RunInput = Omit<RunRecord, 'id' | 'createdAt' | 'pinned'>;

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

  get pinned(): RunRecord[] {
    return this.list.filter((r) => r.pinned);
  }

  get history(): RunRecord[] {
    return this.list.filter((r) => !r.pinned);
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

  /** Keeps a finished run in the history (see addToHistory). */
  async keep(run: RunInput): Promise<RunRecord | null> {
    await this.store;
    const record: RunRecord = {
      ...run,
      id: `run-${Date.now().toString(36)}-${(this.counter++).toString(36)}`,
      createdAt: Date.now(),
    };
    const { list, written, dropped } = addToHistory(this.list, record);
    this.list = list;
    this.compared = this.compared.filter((c) => !dropped.includes(c));
    await this.persist(async (s) => {
      if (written) await s.put(written);
      for (const id of dropped) await s.delete(id);
    });
    return written;
  }

  async setPinned(id: string, pinned: boolean): Promise<void> {
    const run = this.list.find((r) => r.id === id);
    if (!run) return;
    const next = { ...run, pinned };
    this.list = this.list.map((r) => (r.id === id ? next : r));
    await this.persist((s) => s.put($state.snapshot(next) as RunRecord));
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

  /** Imports an exported run as a pinned one (the user chose to keep it); a run with an id already present is kept once. */
  async importFile(file: Blob, name: string): Promise<RunRecord> {
    const run = { ...importRun(await file.text(), name), pinned: true };
    this.list = [run, ...this.list.filter((r) => r.id !== run.id)].sort((a, b) => b.createdAt - a.createdAt);
    await this.persist((s) => s.put(run));
    return run;
  }
}
