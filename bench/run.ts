// `npm run bench`: the WGSL engine's training workloads and the same on stock tfjs-webgpu, as one JSON document.
import { installNodeWebGPU } from '../src/engine/node-webgpu.ts';
import { requestWgslDevice } from '../src/engine/wgsl/device.ts';
import { parseArgs } from './args.ts';
import { benchMatmuls, benchReluSae, benchTopKSae } from './wgsl-sae.ts';
import { benchLogistic } from './wgsl-logistic.ts';
import { benchTfjs, loadTfjs } from './tfjs-stock.ts';
import { round } from './timing.ts';
import { torchRatios } from './ratios.ts';

const args = parseArgs(process.argv.slice(2));
// On a CPU-only machine use Chromium's SwiftShader; the GPU machine's run.sh points Vulkan at its driver.
if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES) process.env.VK_ICD_FILENAMES = '/usr/lib/chromium/vk_swiftshader_icd.json';
await installNodeWebGPU(args.dawnFlags);
const wd = await requestWgslDevice();
const { device } = wd;
let gpuError: string | undefined;
device.addEventListener('uncapturederror', (e) => { gpuError ??= (e as GPUUncapturedErrorEvent).error.message; });
const has = (s: string) => args.sections.includes(s);
const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  device: wd.adapterName,
  software: wd.isSoftware,
  features: { timestamps: wd.hasTimestamps, subgroups: wd.hasSubgroups },
  limits: { maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize, maxComputeWorkgroupStorageSize: device.limits.maxComputeWorkgroupStorageSize },
  precision: 'f32 (WGSL has no TF32; PyTorch reference runs with TF32 off)',
  args,
};
const wgsl: Record<string, unknown> = {};
report.wgsl = wgsl;
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
if (has('matmul')) { log('matmul'); wgsl.matmul = await benchMatmuls(device, args); }
if (has('relu')) { log('relu sae'); wgsl.reluSae = await benchReluSae(device, args); }
if (has('topk')) { log('topk sae'); wgsl.topkSae = await benchTopKSae(device, args); }
if (has('logistic')) {
  const runs = [];
  for (const d of args.logD) { log(`logistic d=${d}`); runs.push(await benchLogistic(device, args, d)); }
  wgsl.logistic = runs;
}
device.destroy(); // before tfjs makes its own device on the same GPU
if (has('tfjs')) {
  log('tfjs');
  const tf = await loadTfjs();
  const t = await benchTfjs(tf, args);
  report.tfjs = t;
  const ours = wgsl.reluSae as { samplesPerSec: number } | undefined;
  const theirs = t.reluSae as { samplesPerSec: number };
  if (ours) report.ratios = { reluSaeVsTfjs: round(ours.samplesPerSec / theirs.samplesPerSec, 4) };
}
if (args.torch) {
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(args.torch, 'utf8').trim().split('\n');
  const torch = JSON.parse(lines[lines.length - 1]);
  report.torch = torch;
  report.ratiosVsTorch = torchRatios(wgsl, torch);
}
if (gpuError) report.gpuError = gpuError;
process.stdout.write(JSON.stringify(report, null, 1) + '\n');
process.exit(0);
