// The engine's centredGram and rowQuadraticForm (tfjs CPU backend here; WebGPU in the .dawn tests) against
// the host f64 formulas, on enough rows to cross a Gram chunk boundary.
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { covarianceStatsHost } from '../../../src/core/detect/covariance-stats';
import { createRng, normal } from '../../../src/core/math/rng';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('cpu')).engine;
});

describe('engine second-moment workloads (tfjs CPU)', () => {
  const rows = 5000; // > GRAM_CHUNK_ROWS (4096): two chunks
  const d = 3;
  const random = createRng(11);
  const x = Float32Array.from({ length: rows * d }, (_, i) => 5 + ((i % d) + 1) * normal(random));
  const all = Int32Array.from({ length: rows }, (_, i) => i);
  const host = covarianceStatsHost(x, d, all);

  test('centredGram equals the f64 scatter and Σ‖x − μ‖⁴ to f32 precision', async () => {
    const m = engine.uploadMatrix(x, rows, d);
    const g = await engine.centredGram(m, host.mean);
    m.dispose();
    for (let i = 0; i < d * d; i++)
      expect(Math.abs(g.scatter[i] - host.scatter[i])).toBeLessThan(1e-4 * host.scatter[0]);
    expect(Math.abs(g.sumNormFourth - host.sumNormFourth) / host.sumNormFourth).toBeLessThan(1e-5);
  });

  test('rowQuadraticForm equals (x − μ)ᵀ M (x − μ) by hand', async () => {
    const m = engine.uploadMatrix(Float32Array.from([1, 2, 3, 0, 0, 0]), 2, 3);
    const M = Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 1]);
    const q = await engine.rowQuadraticForm(m, Float64Array.from([1, 1, 1]), M);
    // c = (0, 1, 2): 2·1² + 1·2² = 6.  c = (−1, −1, −1): 2 + 2·1 + 2 + 1 = 7 (the off-diagonal 1 counts twice).
    expect(Array.from(q)).toEqual([6, 7]);
    await expect(engine.rowQuadraticForm(m, Float64Array.from([1]), M)).rejects.toThrow(/quadratic form/);
    m.dispose();
  });
});
