// The CPU route chosen by measurement: the dense GEMM of an SAE encoder step (B×d·d×m) as cache-blocked JS loops
// on Float32Array against the WebAssembly SIMD kernel (plain, and with relaxed-SIMD FMA where the runtime has it),
// single-threaded, in GFLOP/s (2 flops per multiply-add). Rounds alternate the routes so load hits them alike.
import { KernelHeap, kernelVariantSupported } from '../src/engine/cpu/kernels/heap';
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

const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];

/** A GEMM on its own heap of the given variant, operands filled from the same seeds. */
function wasmRoute(variant: 'base' | 'fma', A: Float32Array, B: Float32Array, M: number, K: number, N: number) {
  const h = new KernelHeap(variant);
  const a = h.allocFrom(A),
    b = h.allocFrom(B),
    c = h.alloc(M * N);
  return () => gemm(h, a, b, c, M, K, N);
}

export function benchCpuGemm(shapes: Array<[number, number, number]>, rounds = 5) {
  const fma = kernelVariantSupported('fma');
  return shapes.map(([M, K, N]) => {
    const A = randomF32(M * K, 1),
      B = randomF32(K * N, 2),
      C = new Float32Array(M * N);
    const routes: Record<string, () => void> = {
      js: () => jsGemm(A, B, C, M, K, N),
      wasm: wasmRoute('base', A, B, M, K, N),
    };
    if (fma) routes.wasmFma = wasmRoute('fma', A, B, M, K, N);
    const ms: Record<string, number[]> = {};
    for (let r = 0; r < rounds; r++)
      for (const [name, run] of Object.entries(routes)) (ms[name] ??= []).push(timeMs(run, 150));
    const gflops = (t: number) => round((2 * M * K * N) / (t * 1e6));
    const med = (name: string) => (ms[name] ? median(ms[name]) : null);
    const js = med('js')!,
      wasm = med('wasm')!,
      wasmFma = med('wasmFma');
    return {
      shape: `${M}x${K}x${N}`,
      rounds,
      jsMs: round(js),
      wasmMs: round(wasm),
      wasmFmaMs: wasmFma === null ? null : round(wasmFma),
      jsGflops: gflops(js),
      wasmGflops: gflops(wasm),
      wasmFmaGflops: wasmFma === null ? null : gflops(wasmFma),
      // Per round, so both sides of each ratio met the same load; the median over rounds.
      fmaOverBase: fma ? round(median(ms.wasm.map((t, r) => t / ms.wasmFma[r])), 3) : null,
    };
  });
}
