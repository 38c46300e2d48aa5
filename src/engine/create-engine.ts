// Chooses and starts the engine: on WebGPU the raw-WGSL engine over our own device (tfjs's WebGPU backend is
// initialised on the same device too: it stays the op library, the fallback for workloads without a kernel,
// and the reference); otherwise tfjs's CPU backend with the reason recorded, so the UI can say plainly which
// one is computing.

import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { acquireGpuDevice, type GpuDeviceHandle } from './gpu/acquire-device';
import { TfjsEngine } from './tfjs/tfjs-engine';
import { WgslEngine, type WgslEngineOptions } from './wgsl/wgsl-engine';
import { kernelsSupported } from './cpu/kernels/heap';
import { installWasmHostKernels } from './cpu/kernels/host-f64';
import { webHostThreads } from './cpu/kernels/web-host-threads';
import type { Engine, EnginePreference, EngineReason } from '../core/engine/engine';

export interface CreateEngineOptions {
  onDeviceLost?: (message: string) => void;
  /** Passed to the WGSL engine (e.g. a small maxChunkBytes to exercise chunking in tests). */
  wgsl?: WgslEngineOptions;
  /** Set when this start replaces an engine whose GPU device was lost: a CPU fallback then says so. */
  afterLoss?: string;
}

export interface StartedEngine {
  engine: Engine;
  gpu?: GpuDeviceHandle;
}

// tfjs registers WebGPU kernels under the backend name 'webgpu', so our device-owning factory replaces that
// name rather than adding a new one.
const BACKEND_NAME = 'webgpu';
let registered: GpuDeviceHandle | undefined;

export async function createEngine(
  preference: EnginePreference = 'auto',
  options: CreateEngineOptions | ((message: string) => void) = {},
): Promise<StartedEngine> {
  const { onDeviceLost, wgsl, afterLoss } =
    typeof options === 'function' ? { onDeviceLost: options, wgsl: undefined, afterLoss: undefined } : options;
  // Production mode: tfjs then skips its debug checks and its console notices (in Node, a banner advertising
  // tfjs-node on the first CPU tensor), which would otherwise land in the CLI's output and the page's console.
  tf.env().set('PROD', true);
  // Whatever computes the training, the host's eigensolver (PCA, LEACE, LDA, whitening) runs on WebAssembly SIMD,
  // with helper threads where this is a cross-origin-isolated page's worker (the CLI installs Node's first).
  const hostKernels = installWasmHostKernels(webHostThreads());
  let fallbackReason: string | undefined;
  let reason: EngineReason = 'no-webgpu';
  if (preference !== 'cpu') {
    const acquired = registered
      ? { ok: true as const, gpu: registered }
      : await acquireGpuDevice((info) => {
          registered = undefined;
          onDeviceLost?.(`GPU device lost (${info.reason}): ${info.message}`);
        });
    if (acquired.ok) {
      if (!registered) {
        if (tf.findBackendFactory(BACKEND_NAME)) tf.removeBackend(BACKEND_NAME);
        tf.registerBackend(BACKEND_NAME, () => new WebGPUBackend(acquired.gpu.device, acquired.gpu.adapterInfo), 10);
        registered = acquired.gpu;
      }
      if (await tf.setBackend(BACKEND_NAME)) {
        await tf.ready();
        const { maxBufferSize, maxStorageBufferBindingSize } = acquired.gpu.device.limits;
        const info = {
          backend: 'webgpu' as const,
          adapter: acquired.gpu.description,
          precision: 'f32' as const,
          hostKernels,
          reason: 'webgpu' as const,
          limits: { maxBufferSize, maxStorageBufferBindingSize },
        };
        const tfjsEngine = new TfjsEngine(
          { ...info, implementation: 'tfjs-webgpu' },
          { maxBindingBytes: acquired.gpu.device.limits.maxStorageBufferBindingSize },
        );
        const engine =
          preference === 'tfjs-webgpu'
            ? tfjsEngine
            : new WgslEngine(acquired.gpu.device, { ...info, implementation: 'wgsl' }, tfjsEngine, wgsl);
        return { gpu: acquired.gpu, engine };
      }
      fallbackReason = 'tfjs could not initialise its WebGPU backend on this device';
    } else {
      fallbackReason = acquired.reason;
    }
    if (preference !== 'auto') throw new Error(`WebGPU was required but is unavailable: ${fallbackReason}`);
    if (afterLoss) {
      reason = 'device-lost';
      fallbackReason = `${afterLoss}; no new GPU device: ${fallbackReason}`;
    }
  } else {
    reason = 'user-choice';
    fallbackReason = 'CPU engine chosen';
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return {
    engine: new TfjsEngine({
      backend: 'cpu',
      // SAE steps and logistic objectives run on the WebAssembly SIMD kernels where the runtime has them.
      implementation: kernelsSupported() ? 'cpu-wasm-simd' : 'tfjs-cpu',
      adapter: '',
      fallbackReason,
      reason,
      precision: 'f32',
      hostKernels,
    }),
  };
}
