// The encode job on the CPU backend: every reference SAE (each library's own on-disk layout) encodes acts.npy, in
// blocks of rows, to the codes and reconstructions of that library's own forward pass (tools/reference/sae_layouts.py).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesSource } from '../../src/core/formats/byte-source';
import { TfjsEngine } from '../../src/engine/tfjs/tfjs-engine';
import { DatasetStore } from '../../src/jobs/dataset-store';
import { encodeBlockRows, runSaeEncodeJob } from '../../src/jobs/sae-encode-job';
import { fixtureBytes } from '../support/fixtures';
import { encodeCase, expectCaseMatches, layoutReference, readCase, ACTS } from '../support/sae-layout-cases';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const engine = new TfjsEngine({ backend: 'cpu', implementation: 'tfjs-cpu', adapter: '', precision: 'f32' });
const ref = layoutReference();

describe('encode job, tfjs CPU backend', () => {
  for (const name of Object.keys(ref.cases)) {
    it(`${name}: codes and reconstructions in blocks of 5 rows match the library`, async () => {
      const r = await encodeCase(engine, await readCase(name), 5);
      expect(r.blocks).toBe(Math.ceil(ref.n / 5));
      expect(r.meanL0).toBeCloseTo(ref.cases[name].l0, 10);
      expectCaseMatches(name, r);
    });
  }

  it('hands the sink one block at a time, never more rows than a block', async () => {
    const sae = await readCase('sparsify-topk');
    const store = new DatasetStore();
    await store.open('acts', bytesSource('acts.npy', fixtureBytes(ACTS)));
    const sizes: number[] = [];
    let begun = 0;
    await runSaeEncodeJob(
      engine,
      store,
      { fileId: 'acts', key: '' },
      sae.weights,
      {
        begin: async (i) => void (begun = i.rows),
        codes: async (b, rows) => {
          expect(b.length).toBe(rows * sae.weights.dSae);
          sizes.push(rows);
        },
      },
      { rowsPerBlock: 4 },
    );
    expect(begun).toBe(ref.n);
    expect(sizes).toEqual([4, 4, 4]);
  });

  it('refuses activations whose width is not the SAE’s d_in', async () => {
    const sae = await readCase('saelens-standard');
    const store = new DatasetStore();
    await store.open('acts', bytesSource('acts.npy', fixtureBytes('digits_f32.npy')));
    const sink = { begin: async () => {}, codes: async () => {} };
    await expect(runSaeEncodeJob(engine, store, { fileId: 'acts', key: '' }, sae.weights, sink)).rejects.toThrow(
      /d_in = 8 but the activations have 64 columns/,
    );
  });

  it('sizes blocks to about 16 MiB of the wider of codes and inputs', () => {
    expect(encodeBlockRows(2304, 16384)).toBe(256);
    expect(encodeBlockRows(8, 16, 64)).toBe(1);
  });
});
