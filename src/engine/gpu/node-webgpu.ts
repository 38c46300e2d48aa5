// Installs a real WebGPU (Dawn, from the `webgpu` package) as navigator.gpu in Node, for tests and benchmarks.
import { tmpdir } from 'node:os';
import { create, globals } from 'webgpu';

/** Dawn flags, e.g. ['enable-dawn-features=disable_robustness']; empty keeps Chrome's defaults. */
export async function installNodeWebGPU(flags: string[] = []): Promise<void> {
  // The Vulkan loader complains on stderr without it (nothing is written there).
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, GPUShaderStage …
  const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
  // Node 21+ has a navigator object; Node 20 does not.
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', {
      value: { userAgent: 'node' },
      writable: true,
      configurable: true,
    });
  }
  Object.defineProperty(g.navigator, 'gpu', { value: create(flags), writable: true, configurable: true });
}
