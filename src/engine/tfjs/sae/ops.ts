// SAE forward pass, loss and hand-written gradients as tfjs ops (f32), one function per concern. Manual
// gradients because tf.topk has no gradient and the selection masks must be constants of the backward pass;
// they mirror src/core/sae/reference.ts line for line.
import * as tf from '@tensorflow/tfjs';
import { inferenceSelection, rulesOf, type Selection } from '../../../core/sae/architecture';
import type { SaeArchitecture } from '../../../core/sae/config';

/** Largest finite f32: a sentinel instead of ±Infinity, which not every WebGPU compiler keeps intact. */
export const F32_MAX = 3.4028234663852886e38;

/** [first row, row count] blocks of at most `maxChunkRows` rows covering `rows`. */
export function rowChunks(rows: number, maxChunkRows: number): Array<[number, number]> {
  const per = Math.min(rows, maxChunkRows);
  const out: Array<[number, number]> = [];
  for (let r = 0; r < rows; r += per) out.push([r, Math.min(per, rows - r)]);
  return out;
}

export interface SaeVars {
  wEnc: tf.Tensor2D;
  bEnc: tf.Tensor1D;
  wDec: tf.Tensor2D;
  bDec: tf.Tensor1D;
  /** JumpReLU's trained log θ [m]. */
  logThreshold?: tf.Tensor1D;
}

export function preActivations(v: SaeVars, x: tf.Tensor2D): { xc: tf.Tensor2D; pre: tf.Tensor2D } {
  const xc = x.sub(v.bDec) as tf.Tensor2D;
  return { xc, pre: xc.matMul(v.wEnc).add(v.bEnc) as tf.Tensor2D };
}

/** Threshold of the k largest entries in each row: [rows, 1]. */
export function rowKthLargest(pre: tf.Tensor2D, k: number): tf.Tensor2D {
  const vals = tf.topk(pre, k, true).values;
  return vals.slice([0, k - 1], [-1, 1]) as tf.Tensor2D;
}

/** The (k·B)-th largest value of the whole batch (tf.topk sorts the flattened batch once). */
export function batchKthLargest(pre: tf.Tensor2D, kTotal: number): tf.Scalar {
  const n = Math.min(kTotal, pre.size);
  return tf
    .topk(pre.reshape([-1]), n, true)
    .values.slice([n - 1], [1])
    .reshape([]) as tf.Scalar;
}

/**
 * Gate (1 where the latent is selected, as f32) for a selection of core/sae/architecture.ts. `batchThreshold` is
 * the batch-wide cut for 'batch-topk' (computed over all chunks of a batch by the caller), `theta` [m] the
 * per-latent threshold for 'threshold'. Entries ≤ 0 never pass: they carry no gradient, as ReLU says.
 */
export function selectionGate(
  selection: Selection,
  pre: tf.Tensor2D,
  k: number,
  theta?: tf.Tensor1D,
  batchThreshold?: tf.Scalar,
): tf.Tensor2D {
  const positive = pre.greater(0);
  switch (selection) {
    case 'relu':
      return positive.toFloat() as tf.Tensor2D;
    case 'row-topk':
      return positive
        .logicalAnd(pre.greaterEqual(rowKthLargest(pre, Math.min(k, pre.shape[1]))))
        .toFloat() as tf.Tensor2D;
    case 'batch-topk':
      return positive.logicalAnd(pre.greaterEqual(batchThreshold!)).toFloat() as tf.Tensor2D;
    case 'threshold':
      return positive.logicalAnd(pre.greater(theta!)).toFloat() as tf.Tensor2D;
  }
}

/** The training step's gate of an architecture. */
export function trainingGate(
  arch: SaeArchitecture,
  pre: tf.Tensor2D,
  k: number,
  theta?: tf.Tensor1D,
  batchThreshold?: tf.Scalar,
): tf.Tensor2D {
  return selectionGate(rulesOf(arch).training, pre, k, theta, batchThreshold);
}

/** Inference's gate: BatchTopK gates at its estimated θ (what is exported as JumpReLU), or per row before one exists. */
export function inferenceGate(arch: SaeArchitecture, pre: tf.Tensor2D, k: number, theta?: tf.Tensor1D): tf.Tensor2D {
  return selectionGate(inferenceSelection(arch, !!theta), pre, k, theta);
}

/**
 * Per-row reconstruction sums [rows, 4] = (‖x‖², x·x̂, ‖x̂‖², ‖x − x̂‖²), f32 over d only: the host adds rows in
 * f64 (core/sae/metrics.ts sumsFromRows), so no f32 sum runs over a whole batch.
 */
export function rowSums(x: tf.Tensor2D, xHat: tf.Tensor2D): tf.Tensor2D {
  return tf.stack(
    [x.square().sum(1), x.mul(xHat).sum(1), xHat.square().sum(1), x.sub(xHat).square().sum(1)],
    1,
  ) as tf.Tensor2D;
}

/** Codes' per-latent counts and their L1: [fires (m), Σ|f|]. */
export function codeSums(f: tf.Tensor2D): tf.Tensor1D {
  return tf.concat([f.greater(0).toFloat().sum(0), f.abs().sum().reshape([1])]) as tf.Tensor1D;
}

export interface GradInputs {
  arch: SaeArchitecture;
  /** Full batch size (the loss is a mean over the whole batch, even when computed in chunks). */
  batch: number;
  k: number;
  lambda: number;
  bandwidth: number;
  batchThreshold?: tf.Scalar;
  /** AuxK: dead mask [m] (1 = dead), k_aux, α, and Σ‖e − ē‖² over the whole batch. */
  aux?: { dead: tf.Tensor1D; kAux: number; alpha: number; variance?: tf.Scalar };
}

export interface ChunkGrads {
  wEnc: tf.Tensor2D;
  bEnc: tf.Tensor1D;
  wDec: tf.Tensor2D;
  bDec: tf.Tensor1D;
  logThreshold?: tf.Tensor1D;
  /** [mse part, aux part, min kept activation (batchtopk)]. */
  stats: tf.Tensor1D;
  /** rowSums of the chunk [rows, 4] and codeSums [m + 1]. */
  rows: tf.Tensor2D;
  codes: tf.Tensor1D;
}

/** Loss terms and raw gradients of one chunk of a batch (to be summed over chunks). */
export function chunkGrads(v: SaeVars, x: tf.Tensor2D, o: GradInputs): ChunkGrads {
  const B = o.batch;
  const { xc, pre } = preActivations(v, x);
  const theta = v.logThreshold?.exp() as tf.Tensor1D | undefined;
  const gate = trainingGate(o.arch, pre, o.k, theta, o.batchThreshold);
  const f = pre.mul(gate) as tf.Tensor2D;
  const xHat = f.matMul(v.wDec).add(v.bDec) as tf.Tensor2D;
  const err = xHat.sub(x) as tf.Tensor2D;
  const g = err.mul(2 / B) as tf.Tensor2D;
  let gF = g.matMul(v.wDec, false, true) as tf.Tensor2D;
  let gWDec = f.matMul(g, true, false) as tf.Tensor2D;
  let aux: tf.Scalar = tf.scalar(0);
  let gLogTheta: tf.Tensor1D | undefined;
  const penalty = rulesOf(o.arch).penalty;
  if (penalty === 'l1') {
    // λ·(1/B)·Σ_b Σ_i f_bi‖W_dec,i‖: ∂/∂f = λ‖W_dec,i‖/B; ∂/∂W_dec,i = (λ/B)·Σ_b f_bi · W_dec,i/‖W_dec,i‖.
    const norms = v.wDec.square().sum(1, true).sqrt();
    const colF = f.sum(0).reshape([-1, 1]);
    aux = colF
      .mul(norms)
      .sum()
      .mul(o.lambda / B) as tf.Scalar;
    gWDec = gWDec.add(
      colF
        .mul(v.wDec)
        .div(norms.maximum(1e-30))
        .mul(o.lambda / B),
    ) as tf.Tensor2D;
    gF = gF.add(norms.reshape([1, -1]).mul(o.lambda / B)) as tf.Tensor2D;
  }
  let gPre = gF.mul(gate) as tf.Tensor2D;
  if (penalty === 'l0') {
    // Rectangle STE: K = 1{|pre − θ| < ε/2}; ∂f/∂θ = −(θ/ε)K, ∂H/∂θ = −K/ε; log θ chains a factor θ.
    const eps = o.bandwidth;
    const K = pre
      .sub(theta!)
      .abs()
      .less(eps / 2)
      .toFloat();
    aux = gate.sum().mul(o.lambda / B) as tf.Scalar;
    const dTheta = gF
      .mul(theta!.neg().div(eps))
      .add(-o.lambda / (B * eps))
      .mul(K)
      .sum(0);
    gLogTheta = dTheta.mul(theta!) as tf.Tensor1D;
  }
  if (o.aux) {
    const r = auxKGrads(v, pre, x, xHat, o.aux);
    aux = r.loss;
    gWDec = gWDec.add(r.gWDec) as tf.Tensor2D;
    gPre = gPre.add(r.gPre) as tf.Tensor2D;
  }
  const gBEnc = gPre.sum(0) as tf.Tensor1D;
  const gWEnc = xc.matMul(gPre, true, false) as tf.Tensor2D;
  // x − b_dec feeds the encoder: ∂/∂b_dec = Σ_b g_b − W_enc·Σ_b ∂pre_b.
  const gBDec = g.sum(0).sub(v.wEnc.matMul(gBEnc.reshape([-1, 1])).reshape([-1])) as tf.Tensor1D;
  const minKept =
    rulesOf(o.arch).threshold === 'estimated'
      ? tf.where(gate.greater(0), pre, tf.fill(pre.shape, F32_MAX)).min()
      : tf.scalar(F32_MAX);
  const rows = rowSums(x, xHat);
  const stats = tf.stack([rows.slice([0, 3], [-1, 1]).sum().div(B), aux, minKept]) as tf.Tensor1D;
  return {
    wEnc: gWEnc,
    bEnc: gBEnc,
    wDec: gWDec,
    bDec: gBDec,
    logThreshold: gLogTheta,
    stats,
    rows,
    codes: codeSums(f),
  };
}

/**
 * AuxK (OpenAI / sparsify): the top k_aux ReLU'd pre-activations among dead latents decode the residual
 * e = x − x̂ (a constant here) WITHOUT b_dec; α·Σ‖e − ê‖² / Σ‖e − ē‖².
 */
function auxKGrads(v: SaeVars, pre: tf.Tensor2D, x: tf.Tensor2D, xHat: tf.Tensor2D, a: NonNullable<GradInputs['aux']>) {
  const m = pre.shape[1];
  const kAux = Math.min(a.kAux, m);
  // Live latents are pushed below every dead one; a where keeps dead latents' values exact.
  const deadPre = tf.where(
    a.dead.greater(0).reshape([1, -1]).tile([pre.shape[0], 1]),
    pre,
    tf.fill(pre.shape, -F32_MAX),
  ) as tf.Tensor2D;
  const gate = deadPre
    .greater(0)
    .logicalAnd(deadPre.greaterEqual(rowKthLargest(deadPre, kAux)))
    .toFloat() as tf.Tensor2D;
  const fAux = pre.mul(gate) as tf.Tensor2D;
  const e = x.sub(xHat);
  const variance = a.variance ?? e.sub(e.mean(0)).square().sum();
  const r = e.sub(fAux.matMul(v.wDec));
  const loss = r.square().sum().mul(a.alpha).div(variance) as tf.Scalar;
  const gE = r.mul(-2 * a.alpha).div(variance) as tf.Tensor2D;
  return { loss, gWDec: fAux.matMul(gE, true, false), gPre: gE.matMul(v.wDec, false, true).mul(gate) };
}

/** Σ‖e − ē‖² pieces of one chunk: [Σ‖e‖², Σe (d)] with e = x − x̂ under the training gate. */
export function residualMoments(
  v: SaeVars,
  x: tf.Tensor2D,
  arch: SaeArchitecture,
  k: number,
  batchThreshold?: tf.Scalar,
): tf.Tensor1D {
  const { pre } = preActivations(v, x);
  const gate = trainingGate(arch, pre, k, v.logThreshold?.exp() as tf.Tensor1D | undefined, batchThreshold);
  const e = x.sub(pre.mul(gate).matMul(v.wDec).add(v.bDec));
  return tf.concat([e.square().sum().reshape([1]), e.sum(0)]) as tf.Tensor1D;
}

/** Unit-norm decoder rows: remove each row gradient's component along its row. */
export function removeParallel(gWDec: tf.Tensor2D, wDec: tf.Tensor2D): tf.Tensor2D {
  const coef = gWDec.mul(wDec).sum(1, true).div(wDec.square().sum(1, true).maximum(1e-30));
  return gWDec.sub(coef.mul(wDec)) as tf.Tensor2D;
}

export function unitRows(w: tf.Tensor2D): tf.Tensor2D {
  return w.div(w.square().sum(1, true).sqrt().maximum(1e-30)) as tf.Tensor2D;
}
