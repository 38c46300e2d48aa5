// Gives Node a real WebGPU (Dawn, via the `webgpu` package) before any engine code loads.
// Points Dawn at Chromium's SwiftShader ICD unless the caller chose a driver (the GPU machine does).
import { installNodeWebGPU } from '../../src/engine/node-webgpu';

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
await installNodeWebGPU();
