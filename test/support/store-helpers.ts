// Opens shared fixtures into a DatasetStore, as the worker would after a drop.
import { bytesSource } from '../../src/core/formats/byte-source';
import { DatasetStore } from '../../src/jobs/dataset-store';
import { fixtureBytes } from './fixtures';

export async function storeWith(...names: string[]): Promise<DatasetStore> {
  const store = new DatasetStore();
  for (const name of names) await store.open(name, bytesSource(name.split('/').pop()!, fixtureBytes(name)));
  return store;
}
