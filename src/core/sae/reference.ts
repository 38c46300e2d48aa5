// Direct f64 CPU forward pass, loss and gradients of every SAE architecture: the reference the tfjs and WGSL
// trainers are tested against. Plain loops, no cleverness, so each line can be checked against ANCHORS.md.
import type { SaeArchitecture } from './config';
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

/** Indices of the `k` largest values of `v` (ties by lower index). */
function topIndices(v: ArrayLike<number>, k: number, allowed?: (i: number) => boolean): number[] {
  const idx: number[] = [];
  for (let i = 0; i < v.length; i++) if (!allowed || allowed(i)) idx.push(i);
  idx.sort((a, b) => v[b] - v[a] || a - b);
  return idx.slice(0, k);
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
  const pre = new Float64Array(B * m);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < m; i++) {
      let s = p.bEnc[i];
      for (let j = 0; j < d; j++) s += (x[b * d + j] - p.bDec[j]) * p.wEnc[j * m + i];
      pre[b * m + i] = s;
    }
  }
  // Which latents pass the activation, and the gate's derivative df/dpre for each.
  const f = new Float64Array(B * m);
  const gate = new Float64Array(B * m);
  const theta = o.logThreshold ? Float64Array.from(o.logThreshold, Math.exp) : undefined;
  if (o.architecture === 'relu') {
    for (let n = 0; n < B * m; n++)
      if (pre[n] > 0) {
        f[n] = pre[n];
        gate[n] = 1;
      }
  } else if (o.architecture === 'topk') {
    for (let b = 0; b < B; b++) {
      for (const i of topIndices(pre.subarray(b * m, (b + 1) * m), o.k!)) {
        const n = b * m + i;
        if (pre[n] > 0) {
          f[n] = pre[n];
          gate[n] = 1;
        }
      }
    }
  } else if (o.architecture === 'batchtopk') {
    for (const n of topIndices(pre, o.k! * B))
      if (pre[n] > 0) {
        f[n] = pre[n];
        gate[n] = 1;
      }
  } else {
    for (let b = 0; b < B; b++)
      for (let i = 0; i < m; i++) {
        const n = b * m + i;
        if (pre[n] > theta![i]) {
          f[n] = pre[n];
          gate[n] = 1;
        }
      }
  }
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
  if (o.architecture === 'relu') {
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
  if (o.architecture === 'jumprelu') {
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
  if ((o.architecture === 'topk' || o.architecture === 'batchtopk') && o.dead && (o.auxKCoefficient ?? 0) > 0) {
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
