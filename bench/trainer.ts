// The SAE step as the product runs it, not just its kernels: WgslSaeTrainer.step on a batch gathered on the host
// from a larger row set (as trainLoop does), awaiting its loss, batch statistics and gradient norm each step.
// Beside the kernel-only step (wgsl.topkSae / wgsl.reluSae) in the same run, the ratio is what the host side
// (batch gather and upload, read-backs, one step in flight at a time) costs end to end.
import { WgslSaeTrainer } from '../src/engine/wgsl/sae-trainer';
import { hyperAt } from '../src/core/sae/train-loop';
import { DEFAULT_SAE_CONFIG, type SaeArchitecture } from '../src/core/sae/config';
import type { BenchArgs } from './args';
import { saeInit } from './wgsl-sae';
import { randomF32, round } from './timing';

export async function benchTrainerSteps(device: GPUDevice, a: BenchArgs, architecture: SaeArchitecture) {
  const { B, d, m, k } = a;
  const pool = 4 * B;
  const data = randomF32(pool * d, 7);
  const trainer = new WgslSaeTrainer(device, { architecture, dIn: d, dSae: m }, saeInit(d, m));
  // A default run's hyperparameters past its warm-ups (AuxK on, with every other latent dead for TopK).
  const h = {
    ...hyperAt({ ...DEFAULT_SAE_CONFIG, steps: 100_000, k }, 1000, d),
    sparsity: architecture === 'relu' ? 5 : 0,
  };
  const dead = Uint8Array.from({ length: m }, (_, i) => i % 2);
  const batch = new Float32Array(B * d);
  let s = 12345;
  const step = async () => {
    for (let b = 0; b < B; b++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const r = s % pool;
      batch.set(data.subarray(r * d, (r + 1) * d), b * d);
    }
    await trainer.step(batch, B, h, architecture === 'relu' ? undefined : dead);
  };
  for (let i = 0; i < 2; i++) await step();
  const t0 = performance.now();
  for (let i = 0; i < a.steps; i++) await step();
  const ms = (performance.now() - t0) / a.steps;
  trainer.dispose();
  return { architecture, msPerStep: round(ms, 4), samplesPerSec: round((B * 1000) / ms, 4) };
}
