// Fused Adam on a KernelHeap: one pass over parameters, gradient and both moments per tensor, bias corrections
// computed here in f64 from the step number (so hyperparameters may change between steps), an optional gradient
// scale (global-norm clipping's factor) applied on the way in.
import type { KernelHeap } from './heap';

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** Element offsets of one tensor's parameters, gradient and moments, all of n entries. */
export interface AdamSlot {
  p: number;
  g: number;
  m: number;
  v: number;
  n: number;
}

/** Step `t` (counted from 1) of Adam over every slot: p ← p − lr·m̂/(√v̂ + ε) with g scaled by `scale`. */
export function adamStep(h: KernelHeap, slots: AdamSlot[], hy: AdamHyper, t: number, scale = 1): void {
  const c1 = 1 / (1 - hy.beta1 ** t),
    c2 = 1 / (1 - hy.beta2 ** t);
  for (const s of slots)
    h.k.adam(4 * s.p, 4 * s.g, 4 * s.m, 4 * s.v, s.n, hy.lr * c1, hy.beta1, hy.beta2, c2, hy.eps, scale);
}
