// Shared test support for the WGSL kernel tests: a seeded RNG, f64 CPU references, and a real-WebGPU device.
import { expect } from 'vitest';
import { acquireGpuDevice, type GpuDeviceHandle } from '../../../src/engine/gpu/acquire-device';

/** The product's seeded generator (mulberry32), so kernel tests draw the same streams as the app. */
export { createRng as rng } from '../../../src/core/math/rng';

export function randn(n: number, rand: () => number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(rand(), 1e-12),
      v = rand();
    out[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

/** f64 C[M,N] = op(A)·op(B) with A stored [M,K] or [K,M], B stored [K,N] or [N,K]. */
export function cpuMatmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[transA ? k * M + i : i * K + k] * b[transB ? j * K + k : k * N + j];
      c[i * N + j] = s;
    }
  return c;
}

import { expectClose } from '../../support/expect-close';
export { expectClose };

let shared: Promise<GpuDeviceHandle> | undefined;
/** One real Dawn device per test file; fails loudly if navigator.gpu is a mock or the adapter is missing. */
export async function realDevice(): Promise<GpuDeviceHandle> {
  shared ??= (async () => {
    const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    expect(gpu, 'navigator.gpu').toBeDefined();
    const adapter = await gpu!.requestAdapter();
    expect(adapter, 'requestAdapter()').not.toBeNull();
    // A real Dawn adapter reports its backend's vendor/architecture and real limits; a mock would not.
    expect(adapter!.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(typeof adapter!.info.vendor).toBe('string');
    const acquired = await acquireGpuDevice();
    if (!acquired.ok) throw new Error(acquired.reason);
    const d = acquired.gpu;
    d.device.addEventListener('uncapturederror', (e) => {
      throw new Error(`uncaptured WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
    return d;
  })();
  return shared;
}

/** Runs `body` in a validation error scope and fails the test on any WebGPU validation error. */
export async function noGpuErrors<T>(device: GPUDevice, body: () => Promise<T>): Promise<T> {
  device.pushErrorScope('validation');
  const out = await body();
  const err = await device.popErrorScope();
  expect(err?.message ?? null).toBeNull();
  return out;
}
