// Ratios between implementations in the same run: > 1 means the WGSL engine is faster.
import { round } from './timing';

type Obj = Record<string, any>;

/** WGSL engine vs tfjs-webgpu engine on the logistic probe to convergence, per d. */
export function logisticRatios(logistic: { wgsl: Obj[]; tfjsWebgpu: Obj[] }): Obj[] {
  return logistic.wgsl.map((w) => {
    const t = logistic.tfjsWebgpu.find((x) => x.d === w.d);
    return t ? { d: w.d, tfjsMsOverWgslMs: round(t.ms / w.ms, 4), wgslMs: w.ms, tfjsMs: t.ms } : { d: w.d };
  });
}

export function torchRatios(wgsl: Obj, logistic: { wgsl: Obj[] } | undefined, torch: Obj): Obj {
  const r: Obj = {};
  if (wgsl.reluSae && torch.reluSae)
    r.reluSaeSamplesPerSec = round(wgsl.reluSae.samplesPerSec / torch.reluSae.samplesPerSec, 4);
  if (wgsl.topkSae && torch.topkSaeDense)
    r.topkSparseVsTorchDenseTopK = round(wgsl.topkSae.samplesPerSec / torch.topkSaeDense.samplesPerSec, 4);
  if (wgsl.matmul && torch.matmul) {
    r.matmulGflops = {};
    for (const [name, v] of Object.entries<Obj>(wgsl.matmul)) {
      const key = Object.keys(torch.matmul).find((k) => name.startsWith(k));
      if (key) r.matmulGflops[name] = round(v.gflops / torch.matmul[key].gflops, 4);
    }
  }
  if (logistic && torch.logistic) {
    // Wall time to convergence, end to end on each side (host optimiser, z-scoring and final metrics included).
    r.logisticTorchMsOverWgslMs = logistic.wgsl.map((w) => {
      const t = torch.logistic.find((x: Obj) => x.d === w.d);
      return t
        ? {
            d: w.d,
            ratio: round(t.ms / w.ms, 4),
            wgslMs: w.ms,
            torchMs: t.ms,
            wgslIters: w.iterations,
            torchIters: t.iterations,
          }
        : { d: w.d };
    });
  }
  return r;
}
