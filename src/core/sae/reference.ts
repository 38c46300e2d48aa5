// Direct f64 CPU forward pass, loss and gradients of every SAE architecture: the reference the tfjs and WGSL
// trainers are tested against. Plain loops, no cleverness, so each line can be checked against ANCHORS.md.
import { preActivations64, rulesOf, selectionGate, topIndices } from './architecture';
import type { SaeArchitecture } from './config';
import { gradClipScale } from './grad-clip';
import type { SaeParams } from './params';

export interface ReferenceOptions {
  architecture: SaeArchitecture;
  k?: number;
  /** relu: λ on the decoder-norm-weighted L1; jumprelu: λ on L0. */
  lambda?: number;
  auxKCoefficient?: number;
  auxK?: number;
  /** Latents that count as dead for AuxK (1 = dead). */
  dead?: Uint8Array;
  /** JumpReLU rectangle width ε. */
  bandwidth?: number;
  /** JumpReLU: log θ, the trained parameter (θ = exp(log θ), as SAELens). */
  logThreshold?: Float64Array;
}

export interface ReferenceResult {
  pre: Float64Array;
  f: Float64Array;
  xHat: Float64Array;
  mse: number;
  /** relu: λ·L1 term; jumprelu: λ·L0 term; topk/batchtopk: α·AuxK. */
  aux: number;
  loss: number;
  grads: {
    wEnc: Float64Array;
    bEnc: Float64Array;
    wDec: Float64Array;
    bDec: Float64Array;
    logThreshold?: Float64Array;
  };
}

/** Loss and raw gradients (before any decoder-norm projection) on x [B, d]. */
export function referenceSae(
  p: SaeParams,
  x: ArrayLike<number>,
  B: number,
  d: number,
  m: number,
  o: ReferenceOptions,
): ReferenceResult {
  const pre = preActivations64(p, x, B, d, m);
  // Which latents the training rule keeps (architecture.ts); the gate is also df/dpre for each.
  const theta = o.logThreshold ? Float64Array.from(o.logThreshold, Math.exp) : undefined;
  const gate = selectionGate(rulesOf(o.architecture).training, pre, B, m, o.k ?? 0, theta);
  const f = new Float64Array(B * m);
  for (let n = 0; n < B * m; n++) f[n] = pre[n] * gate[n];
  const xHat = new Float64Array(B * d);
  let se = 0;
  const g = new Float64Array(B * d); // dL/dx̂ = 2(x̂ − x)/B
  for (let b = 0; b < B; b++)
    for (let j = 0; j < d; j++) {
      let s = p.bDec[j];
      for (let i = 0; i < m; i++) s += f[b * m + i] * p.wDec[i * d + j];
      xHat[b * d + j] = s;
      const e = s - x[b * d + j];
      se += e * e;
      g[b * d + j] = (2 * e) / B;
    }
  const mse = se / B;
  const gWDec = new Float64Array(m * d);
  const gPre = new Float64Array(B * m);
  const gLogTheta = theta ? new Float64Array(m) : undefined;
  let aux = 0;
  // Reconstruction path: dL/df = g·W_decᵀ; dL/dW_dec = fᵀ·g.
  const gF = new Float64Array(B * m);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        s += g[b * d + j] * p.wDec[i * d + j];
        gWDec[i * d + j] += f[b * m + i] * g[b * d + j];
      }
      gF[b * m + i] = s;
    }
  const lambda = o.lambda ?? 0;
  const penalty = rulesOf(o.architecture).penalty;
  if (penalty === 'l1') {
    const norms = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += p.wDec[i * d + j] ** 2;
      norms[i] = Math.sqrt(s);
    }
    const colF = new Float64Array(m);
    for (let b = 0; b < B; b++) for (let i = 0; i < m; i++) colF[i] += f[b * m + i];
    for (let i = 0; i < m; i++) {
      aux += (lambda / B) * colF[i] * norms[i];
      for (let j = 0; j < d; j++)
        gWDec[i * d + j] += norms[i] > 0 ? ((lambda / B) * colF[i] * p.wDec[i * d + j]) / norms[i] : 0;
    }
    for (let b = 0; b < B; b++) for (let i = 0; i < m; i++) gF[b * m + i] += (lambda / B) * norms[i];
  }
  for (let n = 0; n < B * m; n++) gPre[n] = gF[n] * gate[n];
  if (penalty === 'l0') {
    // JumpReLU f = pre·H(pre − θ): ∂f/∂θ ≈ −(θ/ε)·K; L0 term λ·mean_b Σ_i H(pre − θ): ∂/∂θ ≈ −(1/ε)·K, K = 1{|pre − θ| < ε/2}.
    const eps = o.bandwidth ?? 0.05;
    for (let b = 0; b < B; b++)
      for (let i = 0; i < m; i++) {
        const n = b * m + i;
        if (pre[n] > theta![i]) aux += lambda / B;
        if (Math.abs(pre[n] - theta![i]) < eps / 2) {
          const dTheta = gF[n] * (-theta![i] / eps) + (lambda / B) * (-1 / eps);
          gLogTheta![i] += dTheta * theta![i];
        }
      }
  }
  if (rulesOf(o.architecture).auxK && o.dead && (o.auxKCoefficient ?? 0) > 0) {
    aux = auxKReference(pre, x, xHat, p, B, d, m, o, gWDec, gPre);
  }
  const gWEnc = new Float64Array(d * m);
  const gBEnc = new Float64Array(m);
  const gBDec = new Float64Array(d);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < m; i++) {
      const gp = gPre[b * m + i];
      if (gp === 0) continue;
      gBEnc[i] += gp;
      for (let j = 0; j < d; j++) {
        gWEnc[j * m + i] += (x[b * d + j] - p.bDec[j]) * gp;
        gBDec[j] -= p.wEnc[j * m + i] * gp; // x − b_dec feeds the encoder
      }
    }
    for (let j = 0; j < d; j++) gBDec[j] += g[b * d + j];
  }
  return {
    pre,
    f,
    xHat,
    mse,
    aux,
    loss: mse + aux,
    grads: { wEnc: gWEnc, bEnc: gBEnc, wDec: gWDec, bDec: gBDec, logThreshold: gLogTheta },
  };
}

/**
 * AuxK: the top k_aux dead pre-activations (after ReLU) decode the residual e = x − x̂ (held constant) WITHOUT
 * b_dec; L_aux = Σ‖e − ê‖² / Σ‖e − ē‖², weighted by α. Adds its gradient into gWDec and gPre; returns α·L_aux.
 */
function auxKReference(
  pre: Float64Array,
  x: ArrayLike<number>,
  xHat: Float64Array,
  p: SaeParams,
  B: number,
  d: number,
  m: number,
  o: ReferenceOptions,
  gWDec: Float64Array,
  gPre: Float64Array,
): number {
  const dead = o.dead!;
  const nDead = dead.reduce((s, v) => s + (v ? 1 : 0), 0);
  const kAux = Math.min(o.auxK ?? Math.floor(d / 2), nDead);
  if (kAux === 0) return 0;
  const e = new Float64Array(B * d);
  for (let n = 0; n < B * d; n++) e[n] = x[n] - xHat[n];
  const eMean = new Float64Array(d);
  for (let b = 0; b < B; b++) for (let j = 0; j < d; j++) eMean[j] += e[b * d + j] / B;
  let variance = 0;
  for (let b = 0; b < B; b++) for (let j = 0; j < d; j++) variance += (e[b * d + j] - eMean[j]) ** 2;
  if (!(variance > 0)) return 0;
  const alpha = o.auxKCoefficient!;
  const fAux = new Float64Array(B * m);
  for (let b = 0; b < B; b++) {
    for (const i of topIndices(pre.subarray(b * m, (b + 1) * m), kAux, (i) => dead[i] === 1)) {
      if (pre[b * m + i] > 0) fAux[b * m + i] = pre[b * m + i];
    }
  }
  let se = 0;
  const gE = new Float64Array(B * d); // d(α L_aux)/dê = −2α(e − ê)/V
  for (let b = 0; b < B; b++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += fAux[b * m + i] * p.wDec[i * d + j];
      const r = e[b * d + j] - s;
      se += r * r;
      gE[b * d + j] = (-2 * alpha * r) / variance;
    }
  for (let b = 0; b < B; b++)
    for (let i = 0; i < m; i++) {
      if (fAux[b * m + i] === 0) continue;
      let s = 0;
      for (let j = 0; j < d; j++) {
        s += gE[b * d + j] * p.wDec[i * d + j];
        gWDec[i * d + j] += fAux[b * m + i] * gE[b * d + j];
      }
      gPre[b * m + i] += s;
    }
  return (alpha * se) / variance;
}

/** Removes from each decoder-row gradient its component along the (unit) row: keeps ‖W_dec,i‖ = 1 to first order. */
export function removeParallelComponent(
  gWDec: Float64Array,
  wDec: ArrayLike<number>,
  m: number,
  d: number,
): Float64Array {
  const out = Float64Array.from(gWDec);
  for (let i = 0; i < m; i++) {
    let dot = 0,
      nn = 0;
    for (let j = 0; j < d; j++) {
      dot += gWDec[i * d + j] * wDec[i * d + j];
      nn += wDec[i * d + j] ** 2;
    }
    if (nn === 0) continue;
    for (let j = 0; j < d; j++) out[i * d + j] -= (dot / nn) * wDec[i * d + j];
  }
  return out;
}

export interface ReferenceAdam {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  gradClip: number | null;
}

export interface ReferenceStep {
  /** Parameters after the update; JumpReLU's as log θ. */
  params: {
    wEnc: Float64Array;
    bEnc: Float64Array;
    wDec: Float64Array;
    bDec: Float64Array;
    logThreshold?: Float64Array;
  };
  /** The gradients Adam saw before clipping (TopK variants: decoder gradient without its parallel part). */
  grads: ReferenceResult['grads'];
  /** ‖g‖ over all of them, before clipping (grad-clip.ts), and the factor they were scaled by. */
  gradNorm: number;
  clipScale: number;
}

/**
 * The first Adam step (t = 1, zero moments) from `r`'s raw gradients, as every trainer applies it: unit-norm
 * decoders lose the gradient's parallel component, the global norm is clipped (grad-clip.ts), Adam updates with
 * bias correction (m̂ = g, v̂ = g², so each entry moves by lr·g/(|g| + ε)), and unit-norm decoder rows are
 * renormalised.
 */
export function referenceFirstStep(
  p: SaeParams,
  r: ReferenceResult,
  architecture: SaeArchitecture,
  m: number,
  d: number,
  h: ReferenceAdam,
  logThreshold?: Float64Array,
): ReferenceStep {
  const unit = rulesOf(architecture).unitDecoder;
  const grads = { ...r.grads, wDec: unit ? removeParallelComponent(r.grads.wDec, p.wDec, m, d) : r.grads.wDec };
  let n2 = 0;
  for (const g of [grads.wEnc, grads.bEnc, grads.wDec, grads.bDec, grads.logThreshold ?? []])
    for (const v of g) n2 += v * v;
  const gradNorm = Math.sqrt(n2);
  const c = gradClipScale(gradNorm, h.gradClip);
  const adam = (w: ArrayLike<number>, g: Float64Array) =>
    Float64Array.from(w, (v, i) => v - (h.lr * c * g[i]) / (Math.abs(c * g[i]) + h.eps));
  const wDec = adam(p.wDec, grads.wDec);
  if (unit)
    for (let i = 0; i < m; i++) {
      const n = Math.hypot(...wDec.subarray(i * d, (i + 1) * d));
      for (let j = 0; j < d; j++) wDec[i * d + j] /= n;
    }
  return {
    params: {
      wEnc: adam(p.wEnc, grads.wEnc),
      bEnc: adam(p.bEnc, grads.bEnc),
      wDec,
      bDec: adam(p.bDec, grads.bDec),
      logThreshold: logThreshold && grads.logThreshold ? adam(logThreshold, grads.logThreshold) : undefined,
    },
    grads,
    gradNorm,
    clipScale: c,
  };
}
