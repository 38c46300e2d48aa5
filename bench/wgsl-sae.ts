// WGSL-engine workloads for the benchmark: raw matmuls per transpose variant and the SAE training steps.
import { uploadBuffer, storageBuffer } from '../src/engine/wgsl/gpu/buffers';
import { encodeMatmul, matmulFlops, type MatmulSpec } from '../src/engine/wgsl/kernels/matmul';
import { ReluSaeStep } from '../src/engine/wgsl/steps/relu-sae-step';
import { SaeState } from '../src/engine/wgsl/steps/sae-state';
import { TopKSaeStep } from '../src/engine/wgsl/steps/topk-sae-step';
import { PassTimer } from '../src/engine/wgsl/gpu/timer';
import type { BenchArgs } from './args';
import { randomF32, round, timeGpu } from './timing';

/** The five SAE matmul shapes, each timed alone: GFLOP/s per transpose variant. */
export async function benchMatmuls(device: GPUDevice, a: BenchArgs) {
  const { B, d, m } = a;
  const specs: Array<[string, MatmulSpec]> = [
    ['enc NN x·W_enc (B×d·d×m)', { M: B, N: m, K: d, transA: false, transB: false }],
    ['dec NN f·W_dec (B×m·m×d, split-K 4)', { M: B, N: d, K: m, transA: false, transB: false, splitK: 4 }],
    ['gW_dec TN fᵀ·g (m×B·B×d)', { M: m, N: d, K: B, transA: true, transB: false }],
    ['g_pre NT g·W_decᵀ (B×d·d×m)', { M: B, N: m, K: d, transA: false, transB: true }],
    ['gW_enc TN xᵀ·g (d×B·B×m)', { M: d, N: m, K: B, transA: true, transB: false }],
  ];
  const out: Record<string, { ms: number; gflops: number }> = {};
  for (const [name, spec] of specs) {
    const aBuf = uploadBuffer(device, randomF32(spec.M * spec.K, 1), 'a');
    const bBuf = uploadBuffer(device, randomF32(spec.K * spec.N, 2), 'b');
    const cBuf = storageBuffer(device, spec.M * spec.N * (spec.splitK ?? 1), 'c');
    const ms = await timeGpu(
      device,
      () => {
        const enc = device.createCommandEncoder();
        encodeMatmul({ device, enc }, spec, aBuf, bBuf, cBuf);
        device.queue.submit([enc.finish()]);
      },
      a.steps * 3,
    );
    out[name] = { ms: round(ms), gflops: round(matmulFlops(spec) / ms / 1e6, 4) };
    for (const b of [aBuf, bBuf, cBuf]) b.destroy();
  }
  return out;
}

/**
 * The same five shapes under every tile edge and (for the K = m decoder) split-K count the kernel supports,
 * side by side in one run: which configuration each shape should take on this GPU (`--sections matmulTune`,
 * not in the default set; meant for the GPU machine).
 */
export async function benchMatmulTuning(device: GPUDevice, a: BenchArgs) {
  const { B, d, m } = a;
  const shapes: Array<[string, MatmulSpec, number[]]> = [
    ['enc NN', { M: B, N: m, K: d, transA: false, transB: false }, [1]],
    ['dec NN', { M: B, N: d, K: m, transA: false, transB: false }, [1, 2, 3, 4, 6, 8]],
    ['gW_dec TN', { M: m, N: d, K: B, transA: true, transB: false }, [1]],
    ['g_pre NT', { M: B, N: m, K: d, transA: false, transB: true }, [1]],
    ['gW_enc TN', { M: d, N: m, K: B, transA: true, transB: false }, [1]],
  ];
  const out: Record<string, { variants: Record<string, number>; best: string }> = {};
  for (const [name, base, splits] of shapes) {
    const variants: Record<string, number> = {};
    const aBuf = uploadBuffer(device, randomF32(base.M * base.K, 1), 'a');
    const bBuf = uploadBuffer(device, randomF32(base.K * base.N, 2), 'b');
    const cBuf = storageBuffer(device, base.M * base.N * Math.max(...splits), 'c');
    for (const tile of [64, 128] as const)
      for (const splitK of splits) {
        const spec = { ...base, tile, splitK };
        const ms = await timeGpu(
          device,
          () => {
            const enc = device.createCommandEncoder();
            encodeMatmul({ device, enc }, spec, aBuf, bBuf, cBuf);
            device.queue.submit([enc.finish()]);
          },
          a.steps * 3,
        );
        variants[`tile ${tile} split ${splitK}`] = round(matmulFlops(spec) / ms / 1e6, 4);
      }
    for (const b of [aBuf, bBuf, cBuf]) b.destroy();
    out[name] = { variants, best: Object.entries(variants).sort((p, q) => q[1] - p[1])[0][0] };
  }
  return { unit: 'GFLOP/s', shapes: out };
}

export function saeInit(d: number, m: number) {
  // SAELens-style: W_dec rows with norm 0.1 (scaled Gaussian), W_enc = W_decᵀ, biases 0.
  const wDec = randomF32(m * d, 3, 0.1 / Math.sqrt(d));
  const wEnc = new Float32Array(d * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) wEnc[j * m + i] = wDec[i * d + j];
  return { wEnc, bEnc: new Float32Array(m), wDec, bDec: new Float32Array(d) };
}

/** Per-kernel milliseconds of one step from timestamp queries (empty when the adapter has none). */
export async function profileStep(
  device: GPUDevice,
  step: (timer?: PassTimer) => void,
): Promise<Record<string, number>> {
  if (!device.features.has('timestamp-query')) return {};
  const timer = new PassTimer(device);
  step(timer);
  await device.queue.onSubmittedWorkDone();
  const t = await timer.read();
  timer.destroy();
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, round(v, 4)]));
}

/** The dense step: ReLU + L1, or (`jumprelu`) JumpReLU + L0 with log θ = log 0.001 as SAELens initialises it. */
export async function benchReluSae(device: GPUDevice, a: BenchArgs, activation: 'relu' | 'jumprelu' = 'relu') {
  const { B, d, m } = a;
  const init =
    activation === 'jumprelu'
      ? { ...saeInit(d, m), logTheta: new Float32Array(m).fill(Math.log(1e-3)) }
      : saeInit(d, m);
  const state = new SaeState(device, d, m, init);
  const step = new ReluSaeStep(state, {
    batch: B,
    lambda: 5,
    activation,
    adam: { lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  });
  const x = uploadBuffer(device, randomF32(B * d, 4), 'x');
  const ms = await timeGpu(device, () => step.step(x), a.steps);
  const profile = await profileStep(device, (timer) => step.step(x, timer));
  const cpuMs = encodeCost(() => step.step(x));
  await device.queue.onSubmittedWorkDone();
  const loss = await step.readLoss();
  const gflop = (12 * B * d * m) / 1e9; // 4dm forward + 8dm backward per token
  const out = {
    cpuEncodeMs: cpuMs,
    msPerStep: round(ms, 4),
    samplesPerSec: round((B * 1000) / ms, 4),
    gflopsEquiv: round((gflop / ms) * 1000, 4),
    loss: round(loss.loss, 6),
    chunks: step.chunks.length,
    profileMs: profile,
  };
  step.destroy();
  state.destroy();
  x.destroy();
  return out;
}

/**
 * ReLU + L1 in the regime it trains in once its codes are sparse: b_enc is set so about l0 latents per row
 * fire (from a host sample of rows), and the step is the sparse one the trainer switches to there
 * (every positive code an entry, L1 terms in the sparse backward). The dense step's time is the same at any L0.
 */
export async function benchReluSparseSae(device: GPUDevice, a: BenchArgs) {
  const { B, d, m } = a;
  // 64 of 16,384 (0.4%) at the H100 shape, as trained ReLU SAEs settle; the same density at smaller m.
  const l0 = Math.max(1, Math.min(64, Math.floor(m / 256)));
  const init = saeInit(d, m);
  const x = randomF32(B * d, 4);
  const sample = Math.min(B, 16),
    pre: number[] = [];
  for (let r = 0; r < sample; r++)
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[r * d + j] * init.wEnc[j * m + i];
      pre.push(s);
    }
  pre.sort((p, q) => q - p);
  init.bEnc.fill(-pre[Math.min(pre.length - 1, l0 * sample)]);
  const state = new SaeState(device, d, m, init);
  const perRow = 2 ** Math.ceil(Math.log2(2 * l0 + 8));
  const step = new TopKSaeStep(state, {
    batch: B,
    k: 1,
    selection: 'positive',
    entriesPerRow: perRow,
    lambda: 5,
    adam: { lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  });
  const xb = uploadBuffer(device, x, 'x');
  const ms = await timeGpu(device, () => step.step(xb), a.steps);
  const profile = await profileStep(device, (timer) => step.step(xb, timer));
  const loss = await step.readLoss();
  const selection = await step.readSelection();
  const out = {
    targetL0: l0,
    entriesPerRow: perRow,
    overflowed: selection.overflowEntries > 0,
    msPerStep: round(ms, 4),
    samplesPerSec: round((B * 1000) / ms, 4),
    loss: round(loss.loss, 6),
    chunks: step.chunks.length,
    profileMs: profile,
  };
  step.destroy();
  state.destroy();
  xb.destroy();
  return out;
}

/**
 * The TopK step (or BatchTopK's, `selection: 'batch'`); with `auxK`, AuxK at OpenAI's defaults (k_aux = d/2,
 * α = 1/32) with every other latent dead, so the extra top-k over dead latents, gather decode and sparse
 * backward run every step.
 */
export async function benchTopKSae(
  device: GPUDevice,
  a: BenchArgs,
  o: { auxK?: boolean; selection?: 'row' | 'batch' } = {},
) {
  const { B, d, m, k } = a;
  const auxK = o.auxK ?? false;
  const state = new SaeState(device, d, m, saeInit(d, m));
  const kAux = auxK ? Math.max(1, Math.floor(d / 2)) : 0;
  const step = new TopKSaeStep(state, {
    batch: B,
    k,
    auxK: kAux,
    selection: o.selection,
    adam: { lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  });
  const aux = auxK ? { dead: Uint8Array.from({ length: m }, (_, i) => i % 2), alpha: 1 / 32 } : undefined;
  const x = uploadBuffer(device, randomF32(B * d, 4), 'x');
  const ms = await timeGpu(device, () => step.step(x, undefined, aux), a.steps);
  const profile = await profileStep(device, (timer) => step.step(x, timer, aux));
  const loss = await step.readLoss();
  const gflop = ((2 * d * m + 10 * (k + kAux) * d) * B) / 1e9;
  const out = {
    k,
    kAux,
    msPerStep: round(ms, 4),
    samplesPerSec: round((B * 1000) / ms, 4),
    gflops: round((gflop / ms) * 1000, 4),
    loss: round(loss.loss, 6),
    auxLoss: round(loss.aux, 6),
    chunks: step.chunks.length,
    profileMs: profile,
  };
  step.destroy();
  state.destroy();
  x.destroy();
  return out;
}

/** CPU time to encode and submit one step (the GPU runs asynchronously). */
export function encodeCost(run: () => void, reps = 5): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) run();
  return round((performance.now() - t0) / reps, 3);
}
