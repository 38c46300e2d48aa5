// Which engine createEngine starts in Node without a WebGPU provider, and the reason it records: the words the
// page's badge and the CLI's --json show.
import { describe, expect, test } from 'vitest';
import { hostKernels } from '../../src/core/math/host-kernels';
import { createEngine } from '../../src/engine/create-engine';

describe('createEngine without WebGPU', () => {
  test("'cpu' is the user's choice and runs the WebAssembly kernels", async () => {
    const { engine, gpu } = await createEngine('cpu');
    expect(gpu).toBeUndefined();
    expect(engine.info).toMatchObject({ backend: 'cpu', reason: 'user-choice', implementation: 'cpu-wasm-simd' });
    // The host's eigensolver now runs on the WebAssembly f64 kernels too.
    expect(engine.info.hostKernels).toMatch(/^wasm-simd-f64/);
    expect(hostKernels().name).toBe(engine.info.hostKernels);
  });

  test("'auto' falls back to the CPU and says WebGPU is missing", async () => {
    const { engine } = await createEngine('auto');
    expect(engine.info.backend).toBe('cpu');
    expect(engine.info.reason).toBe('no-webgpu');
    expect(engine.info.fallbackReason).toMatch(/WebGPU|adapter|gpu/i);
  });

  test('after a device loss the fallback names the loss', async () => {
    const { engine } = await createEngine('auto', { afterLoss: 'GPU device lost (unknown): reset' });
    expect(engine.info.reason).toBe('device-lost');
    expect(engine.info.fallbackReason).toMatch(/^GPU device lost \(unknown\): reset; no new GPU device: /);
  });

  test("'webgpu' refuses to fall back", async () => {
    await expect(createEngine('webgpu')).rejects.toThrow(/WebGPU was required/);
  });
});
