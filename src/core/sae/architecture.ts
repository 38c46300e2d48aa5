// Each SAE architecture's encode and threshold rules in one place: which latents a training step keeps, which
// inference keeps, how BatchTopK's inference threshold is estimated, and the f64 encoder the reference and the
// tests use. The tfjs ops and the WGSL kernels implement these rules and are tested against the f64 code here.

export type SaeArchitecture = 'relu' | 'topk' | 'batchtopk' | 'jumprelu';
export const SAE_ARCHITECTURES: readonly SaeArchitecture[] = ['relu', 'topk', 'batchtopk', 'jumprelu'];

/**
 * How latents are selected from the pre-activations pre = (x − b_dec)·W_enc + b_enc; every rule also needs
 * pre > 0 (ReLU), so a selected latent's code is pre itself.
 *  - 'relu': every positive pre-activation.
 *  - 'row-topk': the k largest per row (ties broken by the lower index in the f64 reference).
 *  - 'batch-topk': the k·B largest of the whole batch of B rows (BatchTopK training).
 *  - 'threshold': pre > θ_i per latent, strictly (JumpReLU; BatchTopK at inference, with θ_i = its estimate).
 */
export type Selection = 'relu' | 'row-topk' | 'batch-topk' | 'threshold';

export interface ArchitectureRules {
  training: Selection;
  /** What inference (held-out metrics, codes, every export) uses. */
  inference: Selection;
  /** Decoder rows kept at unit norm: the gradient's parallel component removed, rows renormalised after Adam. */
  unitDecoder: boolean;
  /** k sets the sparsity (TopK per row; BatchTopK on average over a batch). */
  usesK: boolean;
  /** Dead latents are tracked and AuxK may train them. */
  auxK: boolean;
  /** The coefficient λ's penalty: decoder-norm-weighted L1, or L0 through the straight-through estimator. */
  penalty: 'l1' | 'l0' | null;
  /** θ: a trained parameter (log θ, JumpReLU), or estimated from the training batches (BatchTopK). */
  threshold: 'trained' | 'estimated' | null;
}

export const ARCHITECTURE_RULES: Readonly<Record<SaeArchitecture, ArchitectureRules>> = {
  relu: {
    training: 'relu',
    inference: 'relu',
    unitDecoder: false,
    usesK: false,
    auxK: false,
    penalty: 'l1',
    threshold: null,
  },
  topk: {
    training: 'row-topk',
    inference: 'row-topk',
    unitDecoder: true,
    usesK: true,
    auxK: true,
    penalty: null,
    threshold: null,
  },
  batchtopk: {
    training: 'batch-topk',
    inference: 'threshold',
    unitDecoder: true,
    usesK: true,
    auxK: true,
    penalty: null,
    threshold: 'estimated',
  },
  jumprelu: {
    training: 'threshold',
    inference: 'threshold',
    unitDecoder: false,
    usesK: false,
    auxK: false,
    penalty: 'l0',
    threshold: 'trained',
  },
};

export function rulesOf(arch: SaeArchitecture): ArchitectureRules {
  return ARCHITECTURE_RULES[arch];
}

/**
 * Inference's selection. BatchTopK has no θ until its estimate starts (after the warm-up); until then it selects
 * the k largest per row, which keeps the same mean L0 as training without depending on the rest of the batch.
 */
export function inferenceSelection(arch: SaeArchitecture, hasThreshold: boolean): Selection {
  const rules = ARCHITECTURE_RULES[arch];
  return rules.threshold === 'estimated' && !hasThreshold ? 'row-topk' : rules.inference;
}

/**
 * BatchTopK's inference threshold, estimated as dictionary_learning's BatchTopKTrainer does
 * (trainers/batch_top_k.py): after a warm-up of `startStep` steps, each batch's smallest kept positive activation
 * (the batch's own cut) feeds θ ← β·θ + (1 − β)·min, the first one setting θ. The warm-up keeps the early,
 * fast-moving cuts out of the average, so θ tracks the cuts of the trained dictionary rather than lagging them.
 */
export interface BatchThresholdRule {
  /** Steps (counted from 1) that do not feed the estimate. */
  startStep: number;
  /** EMA weight β of the previous estimate. */
  beta: number;
}

/**
 * θ after the step numbered `step` (1 for the first), given the smallest positive activation that step's batch kept
 * (null when it kept none). Unchanged during the warm-up.
 */
export function nextBatchThreshold(
  theta: number | null,
  minKept: number | null,
  step: number,
  rule: BatchThresholdRule,
): number | null {
  if (minKept === null || !Number.isFinite(minKept) || step <= rule.startStep) return theta;
  return theta === null ? minKept : rule.beta * theta + (1 - rule.beta) * minKept;
}

/** Indices of the `k` largest values of `v` (ties by the lower index), optionally among `allowed` ones only. */
export function topIndices(v: ArrayLike<number>, k: number, allowed?: (i: number) => boolean): number[] {
  const idx: number[] = [];
  for (let i = 0; i < v.length; i++) if (!allowed || allowed(i)) idx.push(i);
  idx.sort((a, b) => v[b] - v[a] || a - b);
  return idx.slice(0, k);
}

/**
 * f64 gate (1 = selected) of pre [B, m] under a selection: the rules above, plainly. `theta` [m] for 'threshold'.
 */
export function selectionGate(
  selection: Selection,
  pre: ArrayLike<number>,
  B: number,
  m: number,
  k: number,
  theta?: ArrayLike<number>,
): Float64Array {
  const gate = new Float64Array(B * m);
  const keep = (n: number) => {
    if (pre[n] > 0) gate[n] = 1;
  };
  switch (selection) {
    case 'relu':
      for (let n = 0; n < B * m; n++) keep(n);
      break;
    case 'row-topk':
      for (let b = 0; b < B; b++) {
        const row = Array.from({ length: m }, (_, i) => pre[b * m + i]);
        for (const i of topIndices(row, k)) keep(b * m + i);
      }
      break;
    case 'batch-topk':
      for (const n of topIndices(pre, k * B)) keep(n);
      break;
    case 'threshold':
      if (!theta || theta.length !== m) throw new Error(`invalid threshold: ${theta?.length ?? 0} values for ${m}`);
      for (let n = 0; n < B * m; n++) if (pre[n] > theta[n % m]) keep(n);
      break;
  }
  return gate;
}

/** f64 pre-activations (x − b_dec)·W_enc + b_enc of x [B, d], with W_enc [d, m]. */
export function preActivations64(
  p: { wEnc: ArrayLike<number>; bEnc: ArrayLike<number>; bDec: ArrayLike<number> },
  x: ArrayLike<number>,
  B: number,
  d: number,
  m: number,
): Float64Array {
  const pre = new Float64Array(B * m);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < m; i++) {
      let s = p.bEnc[i];
      for (let j = 0; j < d; j++) s += (x[b * d + j] - p.bDec[j]) * p.wEnc[j * m + i];
      pre[b * m + i] = s;
    }
  return pre;
}
