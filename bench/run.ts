// `npm run bench`: the WGSL engine's training workloads, the logistic probe to convergence through the product's
// trainLogisticProbe on the WGSL engine and on tfjs-webgpu (same device), ingestion GB/s, and stock tfjs
// autograd steps, the CPU engine against numpy (cpu.sae, cpu.logistic, cpu.eigen, cpu.ingest), as one JSON
// document on stdout (progress on stderr).
import { cpus } from 'node:os';
import { installNodeWebGPU } from '../src/engine/gpu/node-webgpu';
import { installWasmHostKernels } from '../src/engine/cpu/kernels/host-f64';
import { nodeHostThreads } from '../src/engine/cpu/kernels/node-host-threads';
import { enableRelaxedSimd } from '../src/engine/cpu/kernels/node-relaxed-simd';
import { createEngine } from '../src/engine/create-engine';
import { parseArgs } from './args';
import { benchMatmuls, benchMatmulTuning, benchReluSae, benchReluSparseSae, benchTopKSae } from './wgsl-sae';
import { benchLogisticProbe } from './logistic';
import { benchTrainerSteps } from './trainer';
import { benchIngest } from './ingest';
import { benchTfjs, loadTfjs } from './tfjs-stock';
import { round } from './timing';
import { benchCpuSae } from './cpu-sae';
import { benchCpu } from './cpu';
import { benchCpuThreads } from './cpu-threads';
import { logisticRatios, torchRatios } from './ratios';
import { benchSweep } from './sweep';

// Before any kernel module compiles (Node 20 keeps relaxed SIMD behind a flag), as the CLI does; and the host's
// f64 kernels with helper threads on every core, as the CLI installs them before any engine starts.
enableRelaxedSimd();
installWasmHostKernels(nodeHostThreads());
const args = parseArgs(process.argv.slice(2));
// On a CPU-only machine use Chromium's SwiftShader; the GPU machine's run.sh points Vulkan at its driver.
if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES)
  process.env.VK_ICD_FILENAMES = '/usr/lib/chromium/vk_swiftshader_icd.json';
await installNodeWebGPU(args.dawnFlags);
// One device for everything: the product's own acquisition (adapter's real limits), shared by WGSL and tfjs.
const { engine: wgslEngine, gpu } = await createEngine('webgpu');
const { engine: tfjsEngine } = await createEngine('tfjs-webgpu');
const device = gpu!.device;
let gpuError: string | undefined;
device.addEventListener('uncapturederror', (e) => {
  gpuError ??= (e as GPUUncapturedErrorEvent).error.message;
});
const has = (s: string) => args.sections.includes(s);
const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  device: gpu!.description,
  software: gpu!.isSoftware,
  features: { timestamps: device.features.has('timestamp-query'), subgroups: device.features.has('subgroups') },
  limits: {
    maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
    maxComputeWorkgroupStorageSize: device.limits.maxComputeWorkgroupStorageSize,
  },
  precision: 'f32 (WGSL has no TF32; PyTorch reference runs with TF32 off)',
  args,
};
const wgsl: Record<string, unknown> = {};
report.wgsl = wgsl;
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
if (has('matmul')) {
  log('matmul');
  wgsl.matmul = await benchMatmuls(device, args);
}
if (has('matmulTune')) {
  log('matmul tuning');
  wgsl.matmulTuning = await benchMatmulTuning(device, args);
}
if (has('relu')) {
  log('relu sae');
  wgsl.reluSae = await benchReluSae(device, args);
}
if (has('relu')) {
  log('jumprelu sae');
  wgsl.jumpReluSae = await benchReluSae(device, args, 'jumprelu');
}
if (has('relu')) {
  log('relu sae, sparse codes');
  wgsl.reluSparseSae = await benchReluSparseSae(device, args);
}
if (has('topk')) {
  log('topk sae');
  wgsl.topkSae = await benchTopKSae(device, args);
}
if (has('topk')) {
  log('topk sae + auxk');
  wgsl.topkAuxKSae = await benchTopKSae(device, args, { auxK: true });
}
if (has('topk')) {
  log('batchtopk sae');
  wgsl.batchTopKSae = await benchTopKSae(device, args, { selection: 'batch' });
}
if (has('trainer')) {
  log('trainer steps (host gather, read-backs)');
  const trainer = {
    topk: await benchTrainerSteps(device, args, 'topk'),
    relu: await benchTrainerSteps(device, args, 'relu'),
  };
  const kernel = (key: string) => (wgsl[key] as { samplesPerSec: number } | undefined)?.samplesPerSec;
  // < 1: the share of the kernel-only rate the product's training loop keeps (AuxK on for TopK in both).
  const share = (ours: number, key: string) => (kernel(key) ? round(ours / kernel(key)!, 4) : null);
  wgsl.trainer = {
    ...trainer,
    shareOfKernelRate: {
      topk: share(trainer.topk.samplesPerSec, 'topkAuxKSae'),
      relu: share(trainer.relu.samplesPerSec, 'reluSae'),
    },
  };
}
type LogisticRun = Awaited<ReturnType<typeof benchLogisticProbe>>;
let logistic: { wgsl: LogisticRun[]; tfjsWebgpu: LogisticRun[] } | undefined;
if (has('logistic')) {
  const runs: { wgsl: LogisticRun[]; tfjsWebgpu: LogisticRun[] } = (logistic = { wgsl: [], tfjsWebgpu: [] });
  for (const d of args.logD) {
    log(`logistic to convergence d=${d} (wgsl engine)`);
    runs.wgsl.push(await benchLogisticProbe(wgslEngine, args, d));
    log(`logistic to convergence d=${d} (tfjs-webgpu engine)`);
    runs.tfjsWebgpu.push(await benchLogisticProbe(tfjsEngine, args, d));
  }
  report.logistic = runs;
}
if (has('ingest')) {
  log('ingestion');
  report.ingest = await benchIngest(args);
}
if (has('tfjs')) {
  log('stock tfjs autograd steps');
  const tf = await loadTfjs();
  const t = await benchTfjs(tf, args);
  report.tfjs = t;
  const ours = wgsl.reluSae as { samplesPerSec: number } | undefined;
  const theirs = t.reluSae as { samplesPerSec: number };
  if (ours) report.ratios = { reluSaeVsTfjs: round(ours.samplesPerSec / theirs.samplesPerSec, 4) };
}
if (has('sweep')) {
  // The CPU engine switches tfjs's global backend to 'cpu' (the WGSL engine's SAE path does not use tfjs), so the
  // GPU sections come before this one.
  log('sae sweep vs sequential runs (wgsl engine)');
  const webgpu = await benchSweep(wgslEngine, args, args.sweepN, {
    warmup: args.sweepWarmup,
    rounds: args.sweepRounds,
    steps: args.sweepSteps,
  });
  log('sae sweep vs sequential runs (cpu engine)');
  const { engine: cpuEngine } = await createEngine('cpu');
  if (cpuEngine.info.implementation !== 'cpu-wasm-simd')
    throw new Error(`sweep: the CPU engine is ${cpuEngine.info.implementation}, not cpu-wasm-simd`);
  report.sweep = {
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
    webgpu,
    cpu: await benchSweep(cpuEngine, args, args.sweepN, {
      warmup: args.sweepCpuWarmup,
      rounds: args.sweepRounds,
      steps: args.sweepCpuSteps,
    }),
  };
}
if (has('cpu.sae')) {
  log('cpu engine: SAE steps against numpy');
  report.cpu = { ...(report.cpu as object), sae: await benchCpuSae() };
}
if (has('cpu.threads')) {
  // Only when asked: a measurement behind a design choice (one thread), not a product workload.
  log('cpu engine: dense SAE GEMMs on one thread and on two');
  report.cpu = {
    ...(report.cpu as object),
    threads: await benchCpuThreads([
      [256, 48, 384],
      [256, 256, 2048],
    ]),
  };
}
if (has('cpu.logistic') || has('cpu.eigen') || has('cpu.ingest')) {
  // Last: the logistic fit switches tfjs's global backend to 'cpu'.
  log('cpu engine: logistic, eigen, ingestion against numpy/scikit-learn');
  report.cpu = { ...(report.cpu as object), ...(await benchCpu({ sections: args.sections }, log)) };
}
if (logistic) report.logisticRatios = logisticRatios(logistic);
if (args.torch) {
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(args.torch, 'utf8').trim().split('\n');
  const torch = JSON.parse(lines[lines.length - 1]);
  report.torch = torch;
  report.ratiosVsTorch = torchRatios(wgsl, logistic, torch);
}
if (gpuError) report.gpuError = gpuError;
process.stdout.write(JSON.stringify(report, null, 1) + '\n');
process.exit(0);
