// An imported SAE evaluated by the app's job: one with LayerNorm'd inputs (SAELens normalize_activations
// "layer_norm") is measured on the rows its encoder sees, so its held-out L0 and FVU are those of the library's own
// codes and reconstructions (tools/reference/sae_layouts.py) on the held-out rows, normalised the same way.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { normalizeRows } from '../../src/core/sae/input-norm';
import { makeSplit } from '../../src/core/split/split';
import { TfjsEngine } from '../../src/engine/tfjs/tfjs-engine';
import { runSaeEvalJob } from '../../src/jobs/sae-job';
import { readNpyF32 } from '../support/fixtures';
import { ACTS, layoutReference, readCase } from '../support/sae-layout-cases';
import { storeWith } from '../support/store-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const engine = new TfjsEngine({ backend: 'cpu', implementation: 'tfjs-cpu', adapter: '', precision: 'f32' });
const quiet = { onStart: () => {}, onProgress: () => {}, isCancelled: () => false };

it('a layer_norm SAE is evaluated on normalised rows: held-out L0 and FVU are the library’s', async () => {
  const name = 'saelens-jumprelu-layer-norm';
  const sae = await readCase(name);
  const store = await storeWith(ACTS);
  const spec = { heldOutFraction: 0.5, seed: 7 };
  const r = (await runSaeEvalJob(
    { engine },
    store,
    { activations: { fileId: ACTS, key: '' }, dictionary: sae.weights, ...spec },
    quiet,
  ))!;
  const { data: x, shape } = await readNpyF32(ACTS);
  const [n, d] = shape;
  const { test } = makeSplit(
    { kind: 'random', testFraction: spec.heldOutFraction, seed: spec.seed, stratify: false },
    n,
  );
  const ref = layoutReference().cases[name];
  // The library's reconstructions taken back into the normalised space: (y − μ)/σ.
  const { x: xn, stats } = normalizeRows(x, n, d, 'layer_norm');
  let l0 = 0,
    err = 0,
    total = 0;
  const mean = new Float64Array(d);
  for (const row of test) for (let j = 0; j < d; j++) mean[j] += xn[row * d + j] / test.length;
  for (const row of test) {
    l0 += ref.codes[row].filter((v) => v > 0).length / test.length;
    for (let j = 0; j < d; j++) {
      const yn = (ref.recon[row][j] - stats.a[row]) / stats.b[row];
      err += (xn[row * d + j] - yn) ** 2;
      total += (xn[row * d + j] - mean[j]) ** 2;
    }
  }
  expect(r.testRows).toBe(test.length);
  expect(r.test.l0).toBeCloseTo(l0, 10);
  expect(r.test.fvu!).toBeCloseTo(err / total, 5);
});
