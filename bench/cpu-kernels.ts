// The CPU route chosen by measurement: the dense GEMM of an SAE encoder step (B×d·d×m) as cache-blocked JS loops
// on Float32Array against the WebAssembly SIMD kernel, single-threaded, in GFLOP/s (2 flops per multiply-add).
import { KernelHeap } from '../src/engine/cpu/kernels/heap';
import { gemm } from '../src/engine/cpu/kernels/gemm';
import { randomF32, round } from './timing';

/** C = A·B with an i-k-j loop over 4-row blocks and 64-wide k panels: the best plain-JS shape we found. */
export function jsGemm(A: Float32Array, B: Float32Array, C: Float32Array, M: number, K: number, N: number): void {
  C.fill(0);
  const KB = 64;
  for (let k0 = 0; k0 < K; k0 += KB) {
    const k1 = Math.min(K, k0 + KB);
    for (let i = 0; i < M; i++) {
      const ci = i * N;
      for (let k = k0; k < k1; k++) {
        const a = A[i * K + k];
        if (a === 0) continue;
        const bk = k * N;
        for (let j = 0; j < N; j++) C[ci + j] += a * B[bk + j];
      }
    }
  }
}

function timeMs(run: () => void, minMs = 300): number {
  run();
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    run();
    reps++;
  }
  return (performance.now() - t0) / reps;
}

export function benchCpuGemm(shapes: Array<[number, number, number]>) {
  return shapes.map(([M, K, N]) => {
    const A = randomF32(M * K, 1),
      B = randomF32(K * N, 2),
      C = new Float32Array(M * N);
    const h = new KernelHeap();
    const a = h.allocFrom(A),
      b = h.allocFrom(B),
      c = h.alloc(M * N);
    const js = timeMs(() => jsGemm(A, B, C, M, K, N));
    const wasm = timeMs(() => gemm(h, a, b, c, M, K, N));
    const gflops = (ms: number) => round((2 * M * K * N) / (ms * 1e6));
    return {
      shape: `${M}x${K}x${N}`,
      jsMs: round(js),
      wasmMs: round(wasm),
      jsGflops: gflops(js),
      wasmGflops: gflops(wasm),
    };
  });
}
