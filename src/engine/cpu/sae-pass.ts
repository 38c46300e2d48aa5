// One SAE batch on the CPU kernels: forward pass, loss terms and raw gradients for every architecture, in f32 on a
// KernelHeap, mirroring src/core/sae/reference.ts line for line. TopK and BatchTopK keep their codes as CSR so the
// decoder, dL/df, and both weight gradients touch only the selected latents; ReLU and JumpReLU run dense GEMMs.
import { rulesOf, type Selection } from '../../core/sae/architecture';
import type { SaeArchitecture } from '../../core/sae/config';
import { gemm, gemmTA, gemmTB, transpose } from './kernels/gemm';
import type { KernelHeap } from './kernels/heap';
import { batchTopK, rowTopK, type Csr } from './kernels/select';

/** Element offsets of the parameters in the heap: W_enc [d, m], b_enc [m], W_dec [m, d], b_dec [d], log θ [m]. */
export interface ParamOffsets {
  wEnc: number;
  bEnc: number;
  wDec: number;
  bDec: number;
  logTheta?: number;
}

/** Codes of a batch: CSR (sparse selections) or dense f [rows, m]. */
export type Codes = { kind: 'csr'; csr: Csr; nnz: number } | { kind: 'dense'; f: number };

export interface Forward {
  rows: number;
  x: number;
  xc: number;
  pre: number;
  codes: Codes;
  xHat: number;
  /** Smallest kept activation (BatchTopK's cut), null when none was kept or the selection has none. */
  minKept: number | null;
  /** Per-row (‖x‖², x·x̂, ‖x̂‖², ‖x − x̂‖²) and per-latent fire counts, L1 of the codes: for sumsFromRows. */
  rowStats: Float64Array;
  fires: Float64Array;
  l1: number;
}

export interface PassDims {
  d: number;
  m: number;
}

/** θ [m] for a 'threshold' selection (element offset), k for the top-k ones. */
export interface SelectionArgs {
  selection: Selection;
  k: number;
  theta?: number;
}

/** Allocates and fills x, xc = x − b_dec, pre = xc·W_enc + b_enc, the codes under `sel`, and x̂ = f·W_dec + b_dec. */
export function forward(
  h: KernelHeap,
  p: ParamOffsets,
  dims: PassDims,
  xHost: Float32Array,
  rows: number,
  sel: SelectionArgs,
): Forward {
  const { d, m } = dims;
  const x = h.alloc(rows * d),
    xc = h.alloc(rows * d),
    pre = h.alloc(rows * m),
    xHat = h.alloc(rows * d);
  const sparse = sel.selection === 'row-topk' || sel.selection === 'batch-topk';
  const k = Math.min(sel.k, m);
  const cap = sparse ? rows * k : 0;
  const csr: Csr | undefined = sparse ? { rowPtr: h.alloc(rows + 1), idx: h.alloc(cap), val: h.alloc(cap) } : undefined;
  const fDense = sparse ? -1 : h.alloc(rows * m);
  let F = h.f32;
  F.set(xHost.subarray(0, rows * d), x);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) F[xc + r * d + j] = F[x + r * d + j] - F[p.bDec + j];
  gemm(h, xc, p.wEnc, pre, rows, d, m);
  for (let r = 0; r < rows; r++) for (let i = 0; i < m; i++) F[pre + r * m + i] += F[p.bEnc + i];
  let minKept: number | null = null;
  const fires = new Float64Array(m);
  let l1 = 0;
  let codes: Codes;
  if (csr) {
    if (sel.selection === 'row-topk') rowTopK(F, h.i32, pre, rows, m, k, csr);
    else minKept = batchTopK(F, h.i32, pre, rows, m, sel.k, csr);
    F = h.f32;
    const I = h.i32;
    const nnz = I[csr.rowPtr + rows];
    for (let n = 0; n < nnz; n++) {
      fires[I[csr.idx + n]] += 1;
      l1 += F[csr.val + n];
    }
    h.k.sparseDecode(4 * csr.rowPtr, 4 * csr.idx, 4 * csr.val, rows, 4 * p.wDec, d, 4 * xHat);
    codes = { kind: 'csr', csr, nnz };
  } else {
    const theta = sel.theta;
    for (let r = 0; r < rows; r++)
      for (let i = 0; i < m; i++) {
        const v = F[pre + r * m + i];
        // f > 0 exactly where the gate is open: every rule also needs pre > 0.
        const keep = v > 0 && (sel.selection === 'relu' || v > F[theta! + i]);
        if (keep) {
          F[fDense + r * m + i] = v;
          fires[i] += 1;
          l1 += v;
        }
      }
    gemm(h, fDense, p.wDec, xHat, rows, m, d);
    codes = { kind: 'dense', f: fDense };
  }
  F = h.f32;
  const rowStats = new Float64Array(4 * rows);
  for (let r = 0; r < rows; r++) {
    let xx = 0,
      xh = 0,
      hh = 0,
      ee = 0;
    for (let j = 0; j < d; j++) {
      const hv = (F[xHat + r * d + j] += F[p.bDec + j]);
      const xv = F[x + r * d + j];
      xx += xv * xv;
      xh += xv * hv;
      hh += hv * hv;
      ee += (xv - hv) * (xv - hv);
    }
    rowStats.set([xx, xh, hh, ee], 4 * r);
  }
  return { rows, x, xc, pre, codes, xHat, minKept, rowStats, fires, l1 };
}

export interface PassOptions {
  arch: SaeArchitecture;
  k: number;
  lambda: number;
  bandwidth: number;
  /** AuxK: dead mask [m] (1 = dead), k_aux, α. */
  aux?: { dead: Uint8Array; kAux: number; alpha: number };
}

/** Gradient buffers (element offsets), same layout as the parameters. */
export type GradOffsets = ParamOffsets;

/**
 * Loss terms and raw gradients (before decoder projection and clipping) of the batch `fw`, written into `g`
 * (overwritten). Returns [mse, aux].
 */
export function backward(
  h: KernelHeap,
  p: ParamOffsets,
  g: GradOffsets,
  dims: PassDims,
  fw: Forward,
  o: PassOptions,
): { mse: number; aux: number } {
  const { d, m } = dims;
  const B = fw.rows;
  const rules = rulesOf(o.arch);
  const gx = h.alloc(B * d);
  let F = h.f32;
  let se = 0;
  // dL/dx̂ = 2(x̂ − x)/B
  for (let n = 0; n < B * d; n++) {
    const e = F[fw.xHat + n] - F[fw.x + n];
    se += e * e;
    F[gx + n] = (2 * e) / B;
  }
  const mse = se / B;
  let aux = 0;
  F.fill(0, g.bEnc, g.bEnc + m);
  F.fill(0, g.bDec, g.bDec + d);
  if (g.logTheta !== undefined) F.fill(0, g.logTheta, g.logTheta + m);
  if (fw.codes.kind === 'csr') {
    const { csr, nnz } = fw.codes;
    // dL/dpre at the selected latents (the gate is 1 there): g·W_decᵀ, then AuxK's part on its own codes.
    const gval = h.alloc(nnz);
    h.k.sparseDots(4 * csr.rowPtr, 4 * csr.idx, B, 4 * gx, 4 * p.wDec, d, 4 * gval);
    F = h.f32;
    F.fill(0, g.wDec, g.wDec + m * d);
    h.k.sparseScatter(4 * csr.rowPtr, 4 * csr.idx, 4 * csr.val, B, 4 * gx, d, 4 * g.wDec);
    // W_enc's gradient is gathered transposed ([m, d], one contiguous row per latent) and transposed once.
    const gEncT = h.alloc(m * d);
    h.k.sparseScatter(4 * csr.rowPtr, 4 * csr.idx, 4 * gval, B, 4 * fw.xc, d, 4 * gEncT);
    F = h.f32;
    const I = h.i32;
    for (let n = 0; n < nnz; n++) F[g.bEnc + I[csr.idx + n]] += F[gval + n];
    if (rules.auxK && o.aux && o.aux.alpha > 0) aux = auxK(h, p, g, dims, fw, o.aux, gEncT);
    F = h.f32;
    transpose(F, gEncT, g.wEnc, m, d);
  } else {
    const f = fw.codes.f;
    const gPre = h.alloc(B * m);
    gemmTB(h, gx, p.wDec, gPre, B, d, m); // dL/df = g·W_decᵀ
    gemmTA(h, f, gx, g.wDec, m, B, d); // dL/dW_dec = fᵀ·g
    F = h.f32;
    const lb = o.lambda / B;
    if (rules.penalty === 'l1') {
      // λ·(1/B)·Σ_b Σ_i f_bi‖W_dec,i‖
      for (let i = 0; i < m; i++) {
        let nn = 0,
          colF = 0;
        for (let j = 0; j < d; j++) nn += F[p.wDec + i * d + j] ** 2;
        for (let b = 0; b < B; b++) colF += F[f + b * m + i];
        const norm = Math.sqrt(nn);
        aux += lb * colF * norm;
        const c = (lb * colF) / Math.max(norm, 1e-30);
        for (let j = 0; j < d; j++) F[g.wDec + i * d + j] += c * F[p.wDec + i * d + j];
        for (let b = 0; b < B; b++) F[gPre + b * m + i] += lb * norm;
      }
    }
    if (rules.penalty === 'l0') {
      // Rectangle STE: K = 1{|pre − θ| < ε/2}; ∂f/∂θ = −(θ/ε)K, ∂H/∂θ = −K/ε; log θ chains a factor θ.
      const eps = o.bandwidth;
      for (let i = 0; i < m; i++) {
        const theta = Math.fround(Math.exp(F[p.logTheta! + i]));
        let dTheta = 0;
        for (let b = 0; b < B; b++) {
          const n = b * m + i;
          const v = F[fw.pre + n];
          if (F[f + n] > 0) aux += lb;
          if (Math.abs(v - theta) < eps / 2) dTheta += F[gPre + n] * (-theta / eps) - lb / eps;
        }
        F[g.logTheta! + i] = dTheta * theta;
      }
    }
    // Gate: f > 0 exactly where the selection kept the latent.
    for (let n = 0; n < B * m; n++) if (!(F[f + n] > 0)) F[gPre + n] = 0;
    for (let b = 0; b < B; b++) for (let i = 0; i < m; i++) F[g.bEnc + i] += F[gPre + b * m + i];
    gemmTA(h, fw.xc, gPre, g.wEnc, d, B, m); // dL/dW_enc = xcᵀ·dL/dpre
  }
  F = h.f32;
  // x − b_dec feeds the encoder: ∂/∂b_dec = Σ_b g_b − W_enc·Σ_b ∂pre_b.
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let b = 0; b < B; b++) s += F[gx + b * d + j];
    for (let i = 0; i < m; i++) s -= F[p.wEnc + j * m + i] * F[g.bEnc + i];
    F[g.bDec + j] = s;
  }
  return { mse, aux };
}

/**
 * AuxK (OpenAI / sparsify): the top k_aux positive pre-activations among dead latents decode the residual
 * e = x − x̂ (a constant) WITHOUT b_dec; α·Σ‖e − ê‖²/Σ‖e − ē‖². Adds its gradients into g.wDec, g.bEnc and the
 * transposed W_enc gradient; returns the weighted loss.
 */
function auxK(
  h: KernelHeap,
  p: ParamOffsets,
  g: GradOffsets,
  dims: PassDims,
  fw: Forward,
  a: NonNullable<PassOptions['aux']>,
  gEncT: number,
): number {
  const { d, m } = dims;
  const B = fw.rows;
  let nDead = 0;
  for (let i = 0; i < m; i++) nDead += a.dead[i] ? 1 : 0;
  const kAux = Math.min(a.kAux, nDead, m);
  if (kAux === 0) return 0;
  const e = h.alloc(B * d);
  const csr: Csr = { rowPtr: h.alloc(B + 1), idx: h.alloc(B * kAux), val: h.alloc(B * kAux) };
  let F = h.f32;
  const mean = new Float64Array(d);
  for (let n = 0; n < B * d; n++) {
    const v = F[fw.x + n] - F[fw.xHat + n];
    F[e + n] = v;
    mean[n % d] += v / B;
  }
  let variance = 0;
  for (let n = 0; n < B * d; n++) variance += (F[e + n] - mean[n % d]) ** 2;
  if (!(variance > 0)) return 0;
  rowTopK(F, h.i32, fw.pre, B, m, kAux, csr, a.dead);
  const nnz = h.i32[csr.rowPtr + B];
  const r = h.alloc(B * d),
    gval = h.alloc(nnz);
  h.k.sparseDecode(4 * csr.rowPtr, 4 * csr.idx, 4 * csr.val, B, 4 * p.wDec, d, 4 * r);
  F = h.f32;
  let se = 0;
  // r ← dL/dê = −2α(e − ê)/V, in place
  for (let n = 0; n < B * d; n++) {
    const res = F[e + n] - F[r + n];
    se += res * res;
    F[r + n] = (-2 * a.alpha * res) / variance;
  }
  h.k.sparseScatter(4 * csr.rowPtr, 4 * csr.idx, 4 * csr.val, B, 4 * r, d, 4 * g.wDec);
  h.k.sparseDots(4 * csr.rowPtr, 4 * csr.idx, B, 4 * r, 4 * p.wDec, d, 4 * gval);
  h.k.sparseScatter(4 * csr.rowPtr, 4 * csr.idx, 4 * gval, B, 4 * fw.xc, d, 4 * gEncT);
  F = h.f32;
  const I = h.i32;
  for (let n = 0; n < nnz; n++) F[g.bEnc + I[csr.idx + n]] += F[gval + n];
  return (a.alpha * se) / variance;
}

/** Dense codes [rows, m] of a forward pass (encode's output). */
export function denseCodes(h: KernelHeap, fw: Forward, m: number): Float32Array {
  if (fw.codes.kind === 'dense') return h.copyOut(fw.codes.f, fw.rows * m);
  const out = new Float32Array(fw.rows * m);
  const { csr } = fw.codes;
  const F = h.f32,
    I = h.i32;
  for (let r = 0; r < fw.rows; r++)
    for (let n = I[csr.rowPtr + r]; n < I[csr.rowPtr + r + 1]; n++) out[r * m + I[csr.idx + n]] = F[csr.val + n];
  return out;
}
