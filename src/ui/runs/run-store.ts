// Finished runs kept in the browser's IndexedDB: each write is one transaction, so a reload or crash
// mid-write leaves either the old list or the new one, never half a run.

import type { RunRecord } from './run-record';

const STORE = 'runs';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export class RunStore {
  private constructor(private db: IDBDatabase) {}

  static async open(name = 'probelab'): Promise<RunStore> {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'id' });
    };
    return new RunStore(await request(req));
  }

  private async write(fn: (store: IDBObjectStore) => void): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    fn(tx.objectStore(STORE));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('run store transaction aborted'));
    });
  }

  /** All runs, newest first. */
  async list(): Promise<RunRecord[]> {
    const tx = this.db.transaction(STORE, 'readonly');
    const runs = await request(tx.objectStore(STORE).getAll() as IDBRequest<RunRecord[]>);
    return runs.sort((a, b) => b.createdAt - a.createdAt);
  }

  put(run: RunRecord): Promise<void> {
    return this.write((s) => s.put(run));
  }

  delete(id: string): Promise<void> {
    return this.write((s) => s.delete(id));
  }

  async rename(id: string, name: string): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const run = await request(store.get(id) as IDBRequest<RunRecord | undefined>);
    if (!run) throw new Error(`run ${id} no longer exists`);
    store.put({ ...run, name });
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }

  close(): void {
    this.db.close();
  }
}
