// Chooses and starts the engine: WebGPU through tfjs over our own device when an adapter exists, otherwise
// tfjs's CPU backend with the reason recorded, so the UI can say plainly which one is computing.

import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { acquireGpuDevice, type GpuDeviceHandle } from './gpu-device';
import { TfjsEngine } from './tfjs-engine';
import type { Engine } from './engine';

export type EnginePreference = 'auto' | 'webgpu' | 'cpu';

export interface StartedEngine {
  engine: Engine;
  gpu?: GpuDeviceHandle;
}

// tfjs registers WebGPU kernels under the backend name 'webgpu', so our device-owning factory replaces that
// name rather than adding a new one.
const BACKEND_NAME = 'webgpu';
let registered: GpuDeviceHandle | undefined;

export async function createEngine(
  preference: EnginePreference = 'auto', onDeviceLost?: (message: string) => void,
): Promise<StartedEngine> {
  let fallbackReason: string | undefined;
  if (preference !== 'cpu') {
    const acquired = registered ? { ok: true as const, gpu: registered } : await acquireGpuDevice((info) => {
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
        return {
          gpu: acquired.gpu,
          engine: new TfjsEngine({
            backend: 'webgpu', implementation: 'tfjs-webgpu', adapter: acquired.gpu.description, precision: 'f32',
          }),
        };
      }
      fallbackReason = 'tfjs could not initialise its WebGPU backend on this device';
    } else {
      fallbackReason = acquired.reason;
    }
    if (preference === 'webgpu') throw new Error(`WebGPU was required but is unavailable: ${fallbackReason}`);
  } else {
    fallbackReason = 'CPU backend chosen explicitly';
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return {
    engine: new TfjsEngine({ backend: 'cpu', implementation: 'tfjs-cpu', adapter: '', fallbackReason, precision: 'f32' }),
  };
}
