// kNN detector on real WebGPU (Dawn over SwiftShader): the WGSL engine's Engine.knnCosine (matmul tiles, radix
// top-k) must equal the host f64 reference, in one tile and over many (tiles are whole 64-row blocks), and so
// must the detector's helper.
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../../../src/engine/create-engine';
import type { Engine } from '../../../../src/core/engine/engine';
import { knnCosineScores } from '../../../../src/core/detect/knn-cosine';
import { knnDetectorScores } from '../../../../src/core/detect/knn-engine';
import { engineKnn, knnCase, maxAbsDifference } from '../../../support/knn-case';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('webgpu')).engine;
});

const c = knnCase(30, 4, 5); // 20 trusted rows, 10 query rows: SwiftShader is slow
const SMALL = { query: 4, trusted: 6 }; // 3 query blocks, 4 trusted blocks

describe('kNN cosine on WebGPU (Dawn)', () => {
  test('runs on the WGSL engine', () => {
    expect(engine.info.implementation).toBe('wgsl');
  });

  for (const k of [1, 7]) {
    test(`Engine.knnCosine equals the host reference with forced small tiles, k = ${k}`, async () => {
      const query = await engineKnn(engine, c, c.trusted, c.query, k, { blockRows: SMALL });
      expect(maxAbsDifference(query, knnCosineScores(c.x, c.d, c.trusted, c.query, { k }))).toBeLessThan(1e-4);
      const self = await engineKnn(engine, c, c.trusted, c.trusted, k, { excludeSelf: true, blockRows: SMALL });
      expect(
        maxAbsDifference(self, knnCosineScores(c.x, c.d, c.trusted, c.trusted, { k, excludeSelf: true })),
      ).toBeLessThan(1e-4);
    });
  }

  test('over 3 × 5 tiles (64-row blocks, zero rows, rows of very different scales) it equals the host reference', async () => {
    const big = knnCase(400, 5, 6); // 266 trusted rows, 134 query rows
    const tiles = { query: 64, trusted: 64 };
    for (const k of [1, 5]) {
      const q = await engineKnn(engine, big, big.trusted, big.query, k, { blockRows: tiles });
      expect(maxAbsDifference(q, knnCosineScores(big.x, big.d, big.trusted, big.query, { k }))).toBeLessThan(1e-4);
    }
    const self = await engineKnn(engine, big, big.trusted, big.trusted, 4, { excludeSelf: true, blockRows: tiles });
    expect(
      maxAbsDifference(self, knnCosineScores(big.x, big.d, big.trusted, big.trusted, { k: 4, excludeSelf: true })),
    ).toBeLessThan(1e-4);
    const mixed = await engineKnn(engine, big, big.trusted, big.mixed, 3, { excludeSelf: true, blockRows: tiles });
    expect(
      maxAbsDifference(mixed, knnCosineScores(big.x, big.d, big.trusted, big.mixed, { k: 3, excludeSelf: true })),
    ).toBeLessThan(1e-4);
  });

  test("knnDetectorScores (the detector job's call) equals the host reference", async () => {
    const k = 3;
    const got = await knnDetectorScores(engine, c.x, c.d, c.trusted, c.query, k);
    expect(maxAbsDifference(got.query, knnCosineScores(c.x, c.d, c.trusted, c.query, { k }))).toBeLessThan(1e-4);
    expect(
      maxAbsDifference(got.trusted, knnCosineScores(c.x, c.d, c.trusted, c.trusted, { k, excludeSelf: true })),
    ).toBeLessThan(1e-4);
  });
});
