// Gives Node a real WebGPU (Dawn, via the `webgpu` package) before any engine code loads.
// Points Dawn at Chromium's SwiftShader ICD unless the caller chose a driver (the GPU machine does).
import { installNodeWebGPU } from '../../src/engine/gpu/node-webgpu';
import { vulkanIcd } from './test-env.mjs';

if (!process.env.VK_DRIVER_FILES) process.env.VK_ICD_FILENAMES ??= vulkanIcd();
await installNodeWebGPU();
