// Seeded activation sets for the SAE job tests, held in a DatasetStore as the worker holds a dropped .npy, and the
// job cases every engine runs on them.
import { expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine/engine';
import { bytesSource } from '../../src/core/formats/byte-source';
import { writeNpyF32 } from '../../src/core/formats/npy-writer';
import { createRng, normal } from '../../src/core/math/rng';
import { DEFAULT_SAE_CONFIG, type SaeConfig } from '../../src/core/sae/config';
import { DatasetStore } from '../../src/jobs/dataset-store';
import { runSaeTrainJob } from '../../src/jobs/sae-job';
import { SAE_PROGRESS_FIELDS } from '../../src/protocol';

/** A store holding x [rows, cols] as the .npy file `name`. */
export async function storeWithRows(name: string, x: Float32Array, rows: number, cols: number): Promise<DatasetStore> {
  const store = new DatasetStore();
  await store.open(name, bytesSource(name, writeNpyF32(x, [rows, cols]) as Uint8Array<ArrayBuffer>));
  return store;
}

/**
 * Rows built from `features` random unit directions in d dimensions: each row the sum of `active` of them
 * (chosen uniformly) with magnitudes |N(0, 1)| + 0.5, plus N(0, noise²) per coordinate.
 */
export function sparseFeatureRows(
  rows: number,
  d: number,
  features: number,
  active: number,
  seed: number,
  noise = 0.02,
): Float32Array {
  const r = createRng(seed);
  const dirs = new Float64Array(features * d);
  for (let f = 0; f < features; f++) {
    let n = 0;
    for (let j = 0; j < d; j++) n += (dirs[f * d + j] = normal(r)) ** 2;
    for (let j = 0; j < d; j++) dirs[f * d + j] /= Math.sqrt(n);
  }
  const x = new Float32Array(rows * d);
  for (let b = 0; b < rows; b++) {
    const row = new Float64Array(d);
    for (let a = 0; a < active; a++) {
      const f = Math.floor(r() * features),
        c = Math.abs(normal(r)) + 0.5;
      for (let j = 0; j < d; j++) row[j] += c * dirs[f * d + j];
    }
    for (let j = 0; j < d; j++) x[b * d + j] = row[j] + noise * normal(r);
  }
  return x;
}

/** Runs the train job on x [rows, d] and keeps every progress point as a record. */
export async function trainOn(engine: Engine, x: Float32Array, rows: number, d: number, config: SaeConfig) {
  const store = await storeWithRows('acts.npy', x, rows, d);
  const points: Array<Record<string, number>> = [];
  const result = (await runSaeTrainJob(
    { engine },
    store,
    { activations: { fileId: 'acts.npy', key: '' }, transform: 'none', config },
    {
      onStart: () => {},
      isCancelled: () => false,
      onProgress: (p) => points.push(Object.fromEntries(SAE_PROGRESS_FIELDS.map((f, i) => [f, p[i]]))),
    },
  ))!;
  return { result, points };
}

/**
 * AuxK engages on a set with many dead latents within the default dead-latent window: `rows` rows along three
 * directions only, so most of 64 latents never win a top-2 slot and die. The window (an eighth of the run's
 * tokens here) is reached after an eighth of the steps, where one pass over a large set's training rows never is.
 */
export function auxKEngagesCase(engine: () => Engine, rows: number, batchSize: number, steps: number): void {
  it(`AuxK engages on a ${rows.toLocaleString('en')}-row set with many dead latents (the default window is reached)`, async () => {
    const d = 4;
    const x = sparseFeatureRows(rows, d, 3, 1, 12);
    const config: SaeConfig = {
      ...DEFAULT_SAE_CONFIG,
      architecture: 'topk',
      dSae: 64,
      k: 2,
      batchSize,
      steps,
      evalEvery: 1000,
      seed: 5,
    };
    const { result, points } = await trainOn(engine(), x, rows, d, config);
    const window = points[0].deadWindowRows;
    expect(window).toBe((steps * batchSize) / 8);
    expect(result.deadWindowRows).toBe(window);
    const engaged = points.filter((p) => p.aux > 0);
    expect(engaged.length).toBeGreaterThan(steps / 2);
    expect(engaged[0].rowsSeen).toBeGreaterThan(window);
    expect(Math.max(...points.map((p) => p.deadFraction))).toBeGreaterThan(0.5);
    expect(points.filter((p) => p.rowsSeen <= window).every((p) => p.aux === 0)).toBe(true);
  });
}
