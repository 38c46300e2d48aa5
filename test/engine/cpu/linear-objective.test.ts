// The CPU engine's logistic objective against the log-loss and its gradient written out in f64 loops here, for
// the binary and the multinomial case with row weights; the probes' scikit-learn tests run through it too.
import { describe, expect, test } from 'vitest';
import { cpuLinearObjective, cpuLinearScores } from '../../../src/engine/cpu/linear-objective';
import { createRng, normal } from '../../../src/core/math/rng';

function reference(
  x: Float32Array,
  rows: number,
  cols: number,
  y: Int32Array,
  K: number,
  p: Float32Array,
  w: Float32Array,
) {
  let loss = 0;
  const grad = new Float64Array(cols * K + K);
  for (let r = 0; r < rows; r++) {
    const z = Array.from({ length: K }, (_, k) => {
      let s = p[cols * K + k];
      for (let c = 0; c < cols; c++) s += x[r * cols + c] * p[c * K + k];
      return s;
    });
    let res: number[];
    if (K === 1) {
      loss += w[r] * (Math.log(1 + Math.exp(z[0])) - y[r] * z[0]);
      res = [w[r] * (1 / (1 + Math.exp(-z[0])) - y[r])];
    } else {
      const e = z.map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      loss += w[r] * (Math.log(s) - z[y[r]]);
      res = e.map((v, k) => w[r] * (v / s - (k === y[r] ? 1 : 0)));
    }
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < cols; c++) grad[c * K + k] += x[r * cols + c] * res[k];
      grad[cols * K + k] += res[k];
    }
  }
  return { loss, grad };
}

describe('cpuLinearObjective', () => {
  for (const K of [1, 5]) {
    test(`${K === 1 ? 'binary' : 'multinomial'}: loss and gradient match the f64 formula`, async () => {
      const rows = 203;
      const cols = 37;
      const random = createRng(40 + K);
      const x = Float32Array.from({ length: rows * cols }, () => normal(random));
      const y = Int32Array.from({ length: rows }, () => Math.floor(random() * Math.max(2, K)));
      const w = Float32Array.from({ length: rows }, () => 0.5 + random());
      const p = Float32Array.from({ length: cols * K + K }, () => 0.3 * normal(random));
      const objective = cpuLinearObjective(x, rows, cols, y, K, w);
      const got = await objective.evaluate(p);
      const want = reference(x, rows, cols, y, K, p, w);
      // f32 products over 37 terms: relative error ~1e-6.
      expect(Math.abs(got.loss - want.loss)).toBeLessThan(1e-5 * want.loss);
      let scale = 0;
      for (const g of want.grad) scale = Math.max(scale, Math.abs(g));
      for (let i = 0; i < want.grad.length; i++)
        expect(Math.abs(got.grad[i] - want.grad[i])).toBeLessThan(1e-5 * scale);
      // A second evaluation at other parameters reuses the buffers without carrying anything over.
      const p2 = p.map((v) => -v);
      const again = await objective.evaluate(p2);
      expect(Math.abs(again.loss - reference(x, rows, cols, y, K, p2, w).loss)).toBeLessThan(1e-5 * want.loss);
      objective.dispose();
    });
  }

  test('scores z = X W + b match the f64 product', () => {
    const rows = 61;
    const cols = 19;
    const K = 3;
    const random = createRng(7);
    const x = Float32Array.from({ length: rows * cols }, () => normal(random));
    const p = Float32Array.from({ length: cols * K + K }, () => normal(random));
    const z = cpuLinearScores(x, rows, cols, p, K);
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < K; k++) {
        let s = p[cols * K + k];
        for (let c = 0; c < cols; c++) s += x[r * cols + c] * p[c * K + k];
        expect(Math.abs(z[r * K + k] - s)).toBeLessThan(1e-5 * (1 + Math.abs(s)));
      }
  });
});
