// The SAE job's data plumbing on the CPU backend: held-out rows from the dataset's split when the page sends one,
// and row texts or labels of another row count left out of the feature browser with a note, never paired.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { bytesSource } from '../../src/core/formats/byte-source';
import { DEFAULT_SAE_CONFIG, type SaeConfig } from '../../src/core/sae/config';
import { TfjsEngine } from '../../src/engine/tfjs/tfjs-engine';
import { runSaeTrainJob } from '../../src/jobs/sae-job';
import { storeWith } from '../support/store-helpers';
import { syntheticSet } from '../support/synthetic-set';
import type { SaeTrainSpec } from '../../src/protocol';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const engine = new TfjsEngine({ backend: 'cpu', implementation: 'tfjs-cpu', adapter: '', precision: 'f32' });
const quiet = { onStart: () => {}, onProgress: () => {}, isCancelled: () => false };
const tiny: SaeConfig = { ...DEFAULT_SAE_CONFIG, dSae: 32, k: 4, batchSize: 64, steps: 6, evalEvery: 3, seed: 2 };

test("the held-out rows are the dataset's split when the spec carries one, else the config's own", async () => {
  const store = await storeWith('real/lande_hidden.npy');
  const base: SaeTrainSpec = {
    activations: { fileId: 'real/lande_hidden.npy', key: '' },
    transform: 'none',
    config: tiny,
  };
  const own = (await runSaeTrainJob({ engine }, store, base, quiet))!;
  // config.heldOutFraction 0.1 of 4000 rows.
  expect(own.testRows).toBe(400);
  const shared = (await runSaeTrainJob(
    { engine },
    store,
    { ...base, split: { kind: 'random', testFraction: 0.25, seed: 0, stratify: true } },
    quiet,
  ))!;
  expect(shared.testRows).toBe(1000);
  expect(shared.trainRows).toBe(3000);
});

test("another dataset's texts and labels never pair with these rows: the browser leaves them out and says why", async () => {
  const set = syntheticSet();
  const store = await storeWith('real/lande_meta.jsonl', 'real/lande_lang_labels.npy');
  await store.open(set.activations.name, bytesSource(set.activations.name, set.activations.bytes));
  await store.open(set.meta.name, bytesSource(set.meta.name, set.meta.bytes));
  const spec: SaeTrainSpec = {
    activations: { fileId: set.activations.name, key: '' },
    transform: 'none',
    config: tiny,
    browser: {
      text: { fileId: 'real/lande_meta.jsonl', key: 'text' },
      labels: { fileId: 'real/lande_lang_labels.npy', key: '' },
    },
  };
  const f = (await runSaeTrainJob({ engine }, store, spec, quiet))!.features!;
  expect(f.rowText).toBeUndefined();
  expect(f.rowLabel).toBeUndefined();
  expect(f.notes).toEqual([
    'texts of lande_meta.jsonl › text not shown: 4000 rows, the activations have 640',
    'labels of lande_lang_labels.npy not shown: 4000 rows, the activations have 640',
  ]);
  // Its own texts pair.
  const own = (await runSaeTrainJob(
    { engine },
    store,
    { ...spec, browser: { text: { fileId: set.meta.name, key: 'text' } } },
    quiet,
  ))!.features!;
  const top = own.topRows.find((r) => r >= 0)!;
  expect(own.rowText![top]).toBe(`synthetic row ${top} about topic${String(set.codes[top]).padStart(2, '0')}`);
  expect(own.notes).toBeUndefined();
});
