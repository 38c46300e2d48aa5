// Engine.knnCosine on the tfjs CPU backend against the host f64 reference knnCosineScores, with tiles forced
// small so every case crosses several query and trusted blocks (and k exceeds a trusted block's rows).
import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { knnCosineScores } from '../../../src/core/detect/knn-cosine';
import { engineKnn, knnCase, maxAbsDifference, ZERO_QUERY_POSITION } from '../../support/knn-case';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('cpu')).engine;
});

const c = knnCase(90, 6, 21); // 60 trusted rows, 30 query rows
const SMALL = { query: 7, trusted: 8 }; // 5 query blocks; 8 trusted blocks, the last one 4 rows

describe('Engine.knnCosine (tfjs CPU) equals the f64 host reference', () => {
  for (const k of [1, 5, 11]) {
    test(`query rows against trusted rows, k = ${k}`, async () => {
      const host = knnCosineScores(c.x, c.d, c.trusted, c.query, { k });
      for (const blockRows of [SMALL, undefined]) {
        expect(maxAbsDifference(await engineKnn(engine, c, c.trusted, c.query, k, { blockRows }), host)).toBeLessThan(
          1e-5,
        );
      }
    });

    test(`trusted rows against themselves with excludeSelf, k = ${k}`, async () => {
      const host = knnCosineScores(c.x, c.d, c.trusted, c.trusted, { k, excludeSelf: true });
      const got = await engineKnn(engine, c, c.trusted, c.trusted, k, { excludeSelf: true, blockRows: SMALL });
      expect(maxAbsDifference(got, host)).toBeLessThan(1e-5);
      // Without the exclusion each row would find itself: k = 1 would score 0 for every non-zero row.
      if (k === 1) expect(Math.min(...got)).toBeGreaterThan(1e-3);
    });
  }

  test('excludeSelf between different row sets skips only the shared rows', async () => {
    const k = 4;
    const host = knnCosineScores(c.x, c.d, c.trusted, c.mixed, { k, excludeSelf: true });
    expect(
      maxAbsDifference(
        await engineKnn(engine, c, c.trusted, c.mixed, k, { excludeSelf: true, blockRows: SMALL }),
        host,
      ),
    ).toBeLessThan(1e-5);
  });

  test('k = every other trusted row (the largest excludeSelf allows)', async () => {
    const k = c.trusted.length - 1;
    const host = knnCosineScores(c.x, c.d, c.trusted, c.trusted, { k, excludeSelf: true });
    expect(
      maxAbsDifference(
        await engineKnn(engine, c, c.trusted, c.trusted, k, { excludeSelf: true, blockRows: SMALL }),
        host,
      ),
    ).toBeLessThan(1e-5);
  });

  test('a zero query row is at cosine 0 from everything (distance 1); a zero trusted row counts as cosine 0', async () => {
    const got = await engineKnn(engine, c, c.trusted, c.query, 3, { blockRows: SMALL });
    expect(got[ZERO_QUERY_POSITION]).toBe(1);
    // With k = every trusted row, the zero trusted row (row 4) is in every sum: it must add cosine 0, not NaN.
    const k = c.trusted.length;
    expect(
      maxAbsDifference(
        await engineKnn(engine, c, c.trusted, c.query, k),
        knnCosineScores(c.x, c.d, c.trusted, c.query, { k }),
      ),
    ).toBeLessThan(1e-5);
  });

  test('frees every tensor it creates', async () => {
    const t = engine.uploadMatrix(c.x.slice(0, 20 * c.d), 20, c.d);
    const before = tf.memory().numTensors;
    await engine.knnCosine(t, t, 3, {
      excludeSelf: {
        trustedIds: Int32Array.from({ length: 20 }, (_, i) => i),
        queryIds: Int32Array.from({ length: 20 }, (_, i) => i),
      },
      blockRows: { query: 6, trusted: 7 },
    });
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});

describe('Engine.knnCosine refuses bad arguments, naming the numbers', () => {
  const rows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  const withMatrices = async (
    run: (t: ReturnType<Engine['uploadMatrix']>, q: ReturnType<Engine['uploadMatrix']>) => Promise<unknown>,
  ) => {
    const t = engine.uploadMatrix(c.x.slice(0, 5 * c.d), 5, c.d);
    const q = engine.uploadMatrix(c.x.slice(0, 2 * c.d), 2, c.d);
    try {
      await run(t, q);
    } finally {
      t.dispose();
      q.dispose();
    }
  };

  test('k below 1 or not an integer', () =>
    withMatrices(async (t, q) => {
      await expect(engine.knnCosine(t, q, 0)).rejects.toThrow('invalid k: 0 (a positive integer)');
      await expect(engine.knnCosine(t, q, 2.5)).rejects.toThrow('invalid k: 2.5');
    }));

  test('k above the trusted rows, with and without excludeSelf', () =>
    withMatrices(async (t, q) => {
      await expect(engine.knnCosine(t, q, 6)).rejects.toThrow('k = 6 exceeds the 5 trusted rows');
      await expect(
        engine.knnCosine(t, t, 5, { excludeSelf: { trustedIds: rows(5), queryIds: rows(5) } }),
      ).rejects.toThrow("k = 5 exceeds the 4 trusted rows left once a row's own entry is excluded (5 trusted rows)");
      // The host reference shares the check.
      expect(() => knnCosineScores(c.x, c.d, rows(5), rows(5), { k: 5, excludeSelf: true })).toThrow(
        'k = 5 exceeds the 4 trusted rows',
      );
    }));

  test('mismatched widths, id counts, repeated ids and bad block sizes', () =>
    withMatrices(async (t, q) => {
      const narrow = engine.uploadMatrix(new Float32Array(4), 2, 2);
      await expect(engine.knnCosine(t, narrow, 1)).rejects.toThrow('got 6 and 2 columns');
      narrow.dispose();
      await expect(
        engine.knnCosine(t, q, 1, { excludeSelf: { trustedIds: rows(4), queryIds: rows(2) } }),
      ).rejects.toThrow('4 trusted and 2 query ids for 5 and 2 rows');
      await expect(
        engine.knnCosine(t, q, 1, { excludeSelf: { trustedIds: Int32Array.from([0, 1, 1, 2, 3]), queryIds: rows(2) } }),
      ).rejects.toThrow(/repeat/);
      await expect(engine.knnCosine(t, q, 1, { blockRows: { query: 0, trusted: 4 } })).rejects.toThrow(
        'got query 0, trusted 4',
      );
    }));
});
