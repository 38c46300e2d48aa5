import type { SaeTrainSpec } from '../../protocol';
// The last checkpoint of each SAE run, kept in IndexedDB: one record per run, replaced in one transaction per
// write, so a reload or crash mid-write leaves the previous checkpoint or the new one, never half of one.

/** A stored checkpoint and what is needed to resume it on the page (files are found again by name). */
export interface CheckpointRecord {
  runKey: string;
  /** Which run it is on the SAE tab ('main', 'shuffled', 'file:…'). */
  tag: string;
  step: number;
  totalSteps: number;
  savedAt: number;
  /** Taken for a pause (rather than periodically while running). */
  paused: boolean;
  /** The job's spec without its data references' file ids (`files` maps them to names) and without resumeFrom. */
  spec: Omit<SaeTrainSpec, 'resumeFrom'>;
  /** File id in `spec` → file name, so a reloaded page can resume once files of those names are loaded. */
  files: Record<string, string>;
  /** The encoded checkpoint (core/sae/checkpoint). */
  bytes: ArrayBuffer;
  /** The run's curves up to the checkpoint, so a resumed run's curves carry on from them without a gap. */
  progress?: { fields: string[]; columns: (number | null)[][] };
}

const STORE = 'checkpoints';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export class CheckpointStore {
  private constructor(private db: IDBDatabase) {}

  static async open(name = 'probelab-checkpoints'): Promise<CheckpointStore> {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'runKey' });
    };
    return new CheckpointStore(await request(req));
  }

  private async write(fn: (store: IDBObjectStore) => void): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    fn(tx.objectStore(STORE));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('checkpoint store transaction aborted'));
    });
  }

  /** Replaces the run's checkpoint with this one. */
  put(record: CheckpointRecord): Promise<void> {
    return this.write((s) => s.put(record));
  }

  delete(runKey: string): Promise<void> {
    return this.write((s) => s.delete(runKey));
  }

  get(runKey: string): Promise<CheckpointRecord | undefined> {
    return request(
      this.db.transaction(STORE, 'readonly').objectStore(STORE).get(runKey) as IDBRequest<CheckpointRecord | undefined>,
    );
  }

  /** Every stored run's checkpoint, newest first. */
  async list(): Promise<CheckpointRecord[]> {
    const all = await request(
      this.db.transaction(STORE, 'readonly').objectStore(STORE).getAll() as IDBRequest<CheckpointRecord[]>,
    );
    return all.sort((a, b) => b.savedAt - a.savedAt);
  }

  close(): void {
    this.db.close();
  }
}
