// Turns on WebAssembly relaxed SIMD in Node 20, whose V8 has it behind a flag (Chrome 114+ and Node 22+ ship it), so
// the CLI, benchmarks and tests get the FMA GEMM variant. Node only: the page's runtime decides for itself.
import { setFlagsFromString } from 'node:v8';
import { kernelVariantSupported } from './heap';

/** Whether relaxed SIMD is on after the call. Modules compiled afterwards see it; nothing compiled before changes. */
export function enableRelaxedSimd(): boolean {
  if (kernelVariantSupported('fma')) return true;
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return kernelVariantSupported('fma');
}
