// Shared setup of the analysis job tests: a DatasetStore holding breast_cancer.npz, the CPU engine, and
// scikit-learn's split of it from reference.json.
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { DatasetStore } from '../../../src/jobs/dataset-store';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { fixtureBytes, referenceJson } from '../../support/fixtures';

export const hooks = { isCancelled: () => false };

export async function breastCancerStore(): Promise<{ engine: Engine; store: DatasetStore }> {
  const engine = (await createEngine('cpu')).engine;
  const store = new DatasetStore();
  await store.open('bc', bytesSource('breast_cancer.npz', fixtureBytes('breast_cancer.npz')));
  return { engine, store };
}

export const ref = () => referenceJson().breast_cancer;

export const referenceSplit = () => ({
  kind: 'explicit' as const,
  train: ref().train_idx as number[],
  test: ref().test_idx as number[],
  source: 'reference.json',
});
