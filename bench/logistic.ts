// Logistic probe to convergence through the PRODUCT's path: trainLogisticProbe (z-scoring, src/core/optim/lbfgs.ts,
// metrics) on a given Engine. bench/torch_reference.py runs the same algorithm, data recipe, split and tolerance.
import type { Engine, LinearObjective } from '../src/core/engine/engine';
import { DEFAULT_LOGISTIC, trainLogisticProbe } from '../src/core/probes/logistic';
import type { BenchArgs } from './args';
import { randomF32, round } from './timing';

/** Planted-direction data: X ~ N(0, 1), labels from a random linear model plus noise (K = 1: binary). */
export function probeData(N: number, d: number, K: number) {
  const x = randomF32(N * d, 7);
  const wt = randomF32(d * K, 8, 1 / Math.sqrt(d));
  const noise = randomF32(N * K, 9);
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    let best = -Infinity;
    for (let k = 0; k < K; k++) {
      let z = 0;
      for (let c = 0; c < d; c++) z += x[i * d + c] * wt[c * K + k];
      z += (K === 1 ? 0.5 : 1) * noise[i * K + k];
      if (K === 1) y[i] = z > 0 ? 1 : 0;
      else if (z > best) {
        best = z;
        y[i] = k;
      }
    }
  }
  return { x, y };
}

/** Train on the first 7/8 of the rows, test on the rest (torch_reference.py uses the same split). */
export function benchSplit(N: number) {
  const nTrain = N - Math.floor(N / 8);
  return {
    train: Int32Array.from({ length: nTrain }, (_, i) => i),
    test: Int32Array.from({ length: N - nTrain }, (_, i) => nTrain + i),
  };
}

/** Wraps an engine to count objective evaluations and the time spent waiting for them. */
function counting(engine: Engine) {
  const stats = { evaluations: 0, evaluateMs: 0 };
  const wrapped: Engine = Object.create(engine);
  wrapped.linearObjective = (...args: Parameters<Engine['linearObjective']>): LinearObjective => {
    const inner = engine.linearObjective(...args);
    return {
      rows: inner.rows,
      cols: inner.cols,
      outputs: inner.outputs,
      dispose: () => inner.dispose(),
      evaluate: async (p) => {
        const t0 = performance.now();
        const r = await inner.evaluate(p);
        stats.evaluateMs += performance.now() - t0;
        stats.evaluations++;
        return r;
      },
    };
  };
  return { wrapped, stats };
}

export async function benchLogisticProbe(engine: Engine, a: BenchArgs, d: number) {
  const N = a.N,
    K = a.classes;
  const { x, y } = probeData(N, d, K);
  const outputs = Math.max(2, K === 1 ? 2 : K);
  const data = { x, rows: N, cols: d, labels: y, classes: Array.from({ length: outputs }, (_, i) => `c${i}`) };
  const config = { ...DEFAULT_LOGISTIC, C: 1, tol: a.tol, maxIter: a.maxIter };
  const split = benchSplit(N);
  // Warm-up run (shader compilation, buffer pools), not timed.
  await trainLogisticProbe(engine, data, split, { ...config, maxIter: 1 });
  const { wrapped, stats } = counting(engine);
  const t0 = performance.now();
  const r = await trainLogisticProbe(wrapped, data, split, config);
  const ms = performance.now() - t0;
  return {
    engine: engine.info.implementation,
    N,
    d,
    classes: outputs,
    tol: a.tol,
    method:
      'trainLogisticProbe: z-score, L-BFGS (src/core/optim/lbfgs.ts, m=10), stop max|grad of mean objective| <= tol',
    ms: round(ms, 4),
    iterations: r.iterations,
    evaluations: stats.evaluations,
    reason: r.reason,
    msPerEvaluate: round(stats.evaluateMs / Math.max(1, stats.evaluations), 4),
    xGBpsPerEvaluate: round(
      (split.train.length * d * 4) / (stats.evaluateMs / Math.max(1, stats.evaluations)) / 1e6,
      4,
    ),
    gradMax: r.gradMax,
    testAccuracy: r.test.accuracy,
  };
}
