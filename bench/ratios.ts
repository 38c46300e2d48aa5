// Ratios of the WGSL engine to PyTorch fp32 in the same run: > 1 means the WGSL engine is faster.
import { round } from './timing.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function torchRatios(wgsl: Obj, torch: Obj): Obj {
  const r: Obj = {};
  if (wgsl.reluSae && torch.reluSae) r.reluSaeSamplesPerSec = round(wgsl.reluSae.samplesPerSec / torch.reluSae.samplesPerSec, 4);
  if (wgsl.topkSae && torch.topkSaeDense) r.topkSparseVsTorchDenseTopK = round(wgsl.topkSae.samplesPerSec / torch.topkSaeDense.samplesPerSec, 4);
  if (wgsl.matmul && torch.matmul) {
    r.matmulGflops = {};
    for (const [name, v] of Object.entries<Obj>(wgsl.matmul)) {
      const key = Object.keys(torch.matmul).find((k) => name.startsWith(k));
      if (key) r.matmulGflops[name] = round(v.gflops / torch.matmul[key].gflops, 4);
    }
  }
  if (wgsl.logistic && torch.logistic) {
    r.logisticTorchMsOverWgslMs = wgsl.logistic.map((w: Obj) => {
      const t = torch.logistic.find((x: Obj) => x.d === w.d);
      return t ? { d: w.d, ratio: round(t.ms / w.ms, 4), wgslMs: w.ms, torchMs: t.ms, wgslIters: w.iterations, torchIters: t.iterations } : { d: w.d };
    });
  }
  return r;
}
