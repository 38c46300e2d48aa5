// Logistic probe to convergence on the WGSL LinearObjective with L-BFGS (same algorithm as the PyTorch side).
import { createWgslLinearObjective, uploadWgslMatrix } from '../src/engine/wgsl/linear-objective.ts';
import type { BenchArgs } from './args.ts';
import { lbfgs } from './lbfgs.ts';
import { randomF32, round } from './timing.ts';

/** Planted-direction data: X ~ N(0, 1), labels from a random linear model plus noise. */
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
      else if (z > best) { best = z; y[i] = k; }
    }
  }
  return { x, y };
}

export async function benchLogistic(device: GPUDevice, a: BenchArgs, d: number) {
  const N = a.N, K = a.classes, C = 1;
  const { x, y } = probeData(N, d, K);
  const X = uploadWgslMatrix(device, x, N, d);
  const obj = createWgslLinearObjective(device, X, y, K);
  const n = d * K + K;
  // f = mean loss + ‖W‖²/(2CN): scikit-learn's objective divided by N; the intercept is not penalized.
  const fg = async (w: Float64Array) => {
    const r = await obj.evaluate(Float32Array.from(w));
    let pen = 0;
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = r.grad[i] / N;
    for (let i = 0; i < d * K; i++) { pen += w[i] * w[i]; g[i] += w[i] / (C * N); }
    return { f: r.loss / N + pen / (2 * C * N), g };
  };
  await fg(new Float64Array(n)); // compile + warm up
  const t0 = performance.now();
  const res = await lbfgs(fg, n, a.tol, a.maxIter);
  const ms = performance.now() - t0;
  const e0 = performance.now();
  for (let i = 0; i < 10; i++) await fg(res.x);
  const evalMs = (performance.now() - e0) / 10;
  obj.dispose(); X.dispose();
  return { N, d, classes: K, method: 'L-BFGS (m=10, Armijo backtracking), tol on max|grad|', ms: round(ms, 4), iterations: res.iterations, evaluations: res.evaluations, converged: res.converged, loss: round(res.f, 6), maxGrad: res.maxGrad, msPerEvaluate: round(evalMs, 4), xGBps: round((N * d * 4) / evalMs / 1e6, 4) };
}
