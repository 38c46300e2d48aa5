// The CPU engine's logistic objective: loss and gradient of the weighted binary or multinomial log-loss with
// X·W and Xᵀ·R on the WebAssembly SIMD GEMM (f32 products, as tfjs-cpu's), per-row softmax/sigmoid in f64 and
// the loss and bias gradient summed in f64. X is copied into the kernel heap once per objective.
import type { LinearObjective } from '../../core/engine/engine';
import { gemm, gemmTA } from './kernels/gemm';
import { KernelHeap } from './kernels/heap';

/** Largest X (values) copied into a kernel heap; wasm32 memory stops at 4 GiB, and scratch needs room too. */
export const CPU_OBJECTIVE_MAX_VALUES = 512 * 1024 * 1024;

/** z = X W + b, [rows, outputs] row-major, on the same GEMM (the scores behind a fit's final metrics). */
export function cpuLinearScores(
  x: Float32Array,
  rows: number,
  cols: number,
  params: Float32Array,
  outputs: number,
): Float32Array {
  const K = outputs;
  const h = new KernelHeap();
  const X = h.allocFrom(x);
  const W = h.allocFrom(params.subarray(0, cols * K));
  const Z = h.alloc(rows * K);
  gemm(h, X, W, Z, rows, cols, K);
  const z = h.copyOut(Z, rows * K);
  for (let r = 0; r < rows; r++) for (let k = 0; k < K; k++) z[r * K + k] += params[cols * K + k];
  return z;
}

export function cpuLinearObjective(
  x: Float32Array,
  rows: number,
  cols: number,
  targets: Int32Array,
  outputs: number,
  rowWeights?: Float32Array,
): LinearObjective {
  if (targets.length !== rows) throw new Error(`targets have ${targets.length} rows, matrix has ${rows}`);
  if (x.length !== rows * cols) throw new Error(`matrix has ${x.length} values, expected ${rows}×${cols}`);
  const K = outputs;
  const h = new KernelHeap();
  // Every buffer is allocated up front, so the heap never grows (and its views never move) during evaluate.
  const X = h.allocFrom(x);
  const W = h.alloc(cols * K);
  const Z = h.alloc(rows * K);
  const G = h.alloc(cols * K);
  const gradB = new Float64Array(K);
  return {
    rows,
    cols,
    outputs,
    evaluate: async (params) => {
      const f = h.f32;
      f.set(params.subarray(0, cols * K), W);
      const b = params.subarray(cols * K, cols * K + K);
      gemm(h, X, W, Z, rows, cols, K);
      let loss = 0;
      gradB.fill(0);
      for (let r = 0; r < rows; r++) {
        const o = Z + r * K;
        const wr = rowWeights ? rowWeights[r] : 1;
        const y = targets[r];
        if (K === 1) {
          const z = f[o] + b[0];
          // softplus(z) − y z, without overflow for large |z|
          const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
          loss += wr * (softplus - y * z);
          const res = wr * (1 / (1 + Math.exp(-z)) - y);
          f[o] = res;
          gradB[0] += res;
          continue;
        }
        let m = -Infinity;
        for (let k = 0; k < K; k++) m = Math.max(m, f[o + k] + b[k]);
        let s = 0;
        for (let k = 0; k < K; k++) s += Math.exp(f[o + k] + b[k] - m);
        loss += wr * (m + Math.log(s) - (f[o + y] + b[y]));
        for (let k = 0; k < K; k++) {
          const res = wr * (Math.exp(f[o + k] + b[k] - m) / s - (k === y ? 1 : 0));
          f[o + k] = res;
          gradB[k] += res;
        }
      }
      gemmTA(h, X, Z, G, cols, rows, K);
      const grad = new Float32Array(cols * K + K);
      grad.set(h.view(G, cols * K));
      for (let k = 0; k < K; k++) grad[cols * K + k] = gradB[k];
      return { loss, grad };
    },
    // The heap (and X in it) is garbage once the objective is dropped; nothing else to free.
    dispose: () => {},
  };
}
