// One serialisable SAE run configuration (seed included), its defaults, validation, and which live edits
// continue a run versus restart it.

import { rulesOf, SAE_ARCHITECTURES, type SaeArchitecture } from './architecture';

export type { SaeArchitecture };
export type BDecInit = 'mean' | 'geometric-median' | 'zero';

export interface SaeConfig {
  architecture: SaeArchitecture;
  /** Dictionary size m (d_sae). d_in comes from the data. */
  dSae: number;
  /** Active latents per row (topk) or per row on average (batchtopk). */
  k: number;
  /** relu: λ of the decoder-norm-weighted L1; jumprelu: the L0 coefficient. */
  sparsityCoefficient: number;
  /** λ rises linearly from 0 over these steps (SAELens l1_warm_up_steps). */
  sparsityWarmupSteps: number;
  /** null: 2e-4·√(2¹⁴/m), the sparsify / dictionary_learning TopK scaling. */
  lr: number | null;
  lrWarmupSteps: number;
  /** Linear decay to 0 over the last fraction of the steps; 0 = constant. */
  lrDecayFraction: number;
  beta1: number;
  beta2: number;
  eps: number;
  /**
   * Clip of the global L2 norm of all parameter gradients (after TopK's decoder parallel-component removal):
   * g ← g·min(1, c/‖g‖) before Adam; null = off. See gradClipScale.
   */
  gradClip: number | null;
  batchSize: number;
  steps: number;
  /** AuxK weight α (1/32 as OpenAI and dictionary_learning); 0 = off. */
  auxKCoefficient: number;
  /** null: d_in / 2 (OpenAI's heuristic). */
  auxK: number | null;
  /**
   * A latent is dead once it has not fired on this many training tokens (rows: one row is one token's
   * activation vector), counted as SAELens and sparsify count; null = defaultDeadWindowTokens.
   */
  deadWindowTokens: number | null;
  /**
   * BatchTopK: θ ← β·θ + (1−β)·(smallest kept activation), dictionary_learning's rule (architecture.ts), at
   * SAELens' rate 0.99 rather than dictionary_learning's 0.999, whose ~1000-step memory lags the cuts.
   */
  thresholdEmaBeta: number;
  /** BatchTopK: steps before θ's estimate starts (dictionary_learning: 1000), at most half the run. */
  thresholdStartStep: number;
  /** JumpReLU: rectangle-kernel width ε of the straight-through estimator (SAELens v6: 0.05). */
  jumpReluBandwidth: number;
  /** JumpReLU: initial threshold θ₀ (SAELens: 0.001). */
  jumpReluInitThreshold: number;
  bDecInit: BDecInit;
  /** Scale inputs so E‖x‖ = √d_in (SAELens "expected_average_only_in"); folded back into every export. */
  normalize: boolean;
  /** Fraction of rows held out (never trained on) for every held-out metric. */
  heldOutFraction: number;
  /** Held-out metrics are computed every this many steps. */
  evalEvery: number;
  seed: number;
}

export const DEFAULT_SAE_CONFIG: SaeConfig = {
  architecture: 'topk',
  dSae: 512,
  k: 32,
  sparsityCoefficient: 5,
  sparsityWarmupSteps: 100,
  lr: null,
  lrWarmupSteps: 50,
  lrDecayFraction: 0.2,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  gradClip: 1,
  batchSize: 256,
  steps: 2000,
  auxKCoefficient: 1 / 32,
  auxK: null,
  deadWindowTokens: null,
  thresholdEmaBeta: 0.99,
  thresholdStartStep: 1000,
  jumpReluBandwidth: 0.05,
  jumpReluInitThreshold: 0.001,
  bDecInit: 'mean',
  normalize: true,
  heldOutFraction: 0.1,
  evalEvery: 50,
  seed: 0,
};

/** lr = 2e-4·√(2¹⁴/m): the scaling sparsify and dictionary_learning use for TopK. */
export function defaultLr(dSae: number): number {
  return 2e-4 * Math.sqrt(2 ** 14 / dSae);
}

export function resolvedLr(c: SaeConfig): number {
  return c.lr ?? defaultLr(c.dSae);
}

export function resolvedAuxK(c: SaeConfig, dIn: number): number {
  return Math.max(1, c.auxK ?? Math.floor(dIn / 2));
}

/**
 * The steps that do not feed BatchTopK's θ: dictionary_learning's 1000, but at most half the run, so every run
 * ends with an estimate from its second half (long enough, at β = 0.99, to forget the first cut it started from).
 */
export function resolvedThresholdStart(c: SaeConfig): number {
  return Math.min(c.thresholdStartStep, Math.floor(c.steps / 2));
}

/** sparsify's and dictionary_learning's dead-latent window: 10M tokens. */
export const DEAD_WINDOW_CAP_TOKENS = 10_000_000;

/**
 * The default dead-latent window in tokens: 10M (sparsify, dictionary_learning) on long runs over large sets,
 * but never more than one pass over the training rows (a latent silent on every training row is dead on this
 * data) nor more than an eighth of the run's tokens (so it can engage AuxK in any run, however large the set),
 * and at least one batch. 10k rows: one pass; 100M rows and a 20k × 4096-token run: 10M.
 */
export function defaultDeadWindowTokens(c: SaeConfig, trainRows: number): number {
  const runTokens = c.steps * c.batchSize;
  return Math.max(c.batchSize, Math.min(DEAD_WINDOW_CAP_TOKENS, trainRows, Math.floor(runTokens / 8)));
}

export function resolvedDeadWindowTokens(c: SaeConfig, trainRows: number): number {
  return c.deadWindowTokens ?? defaultDeadWindowTokens(c, trainRows);
}

/** Learning rate at a step: linear warm-up, constant, then linear decay to 0 over the last fraction. */
export function lrAt(c: SaeConfig, step: number): number {
  const base = resolvedLr(c);
  const warm = c.lrWarmupSteps > 0 ? Math.min(1, (step + 1) / c.lrWarmupSteps) : 1;
  const decaySteps = Math.floor(c.steps * c.lrDecayFraction);
  const decayStart = c.steps - decaySteps;
  const decay = decaySteps > 0 && step >= decayStart ? Math.max(0, (c.steps - step) / decaySteps) : 1;
  return base * warm * decay;
}

/** Sparsity coefficient at a step: linear warm-up from 0 (SAELens' L1 warm-up). */
export function sparsityAt(c: SaeConfig, step: number): number {
  const warm = c.sparsityWarmupSteps > 0 ? Math.min(1, (step + 1) / c.sparsityWarmupSteps) : 1;
  return c.sparsityCoefficient * warm;
}

/** Throws naming the first bad field; d_in bounds k and k_aux. */
export function validateSaeConfig(c: SaeConfig, dIn: number): void {
  const bad = (name: string, value: unknown, why: string) => new Error(`invalid ${name}: ${value} (${why})`);
  const posInt = (name: keyof SaeConfig) => {
    const v = c[name] as number;
    if (!Number.isSafeInteger(v) || v < 1) throw bad(name, v, 'must be a positive integer');
  };
  if (!SAE_ARCHITECTURES.includes(c.architecture))
    throw bad('architecture', c.architecture, 'relu, topk, batchtopk or jumprelu');
  posInt('dSae');
  posInt('batchSize');
  posInt('steps');
  posInt('evalEvery');
  if (rulesOf(c.architecture).usesK && (!Number.isSafeInteger(c.k) || c.k < 1 || c.k > c.dSae)) {
    throw bad('k', c.k, `must be an integer in [1, d_sae = ${c.dSae}]`);
  }
  if (c.auxK !== null && (!Number.isSafeInteger(c.auxK) || c.auxK < 1))
    throw bad('auxK', c.auxK, 'must be a positive integer or null');
  if (c.lr !== null && !(c.lr > 0 && Number.isFinite(c.lr))) throw bad('lr', c.lr, 'must be > 0 or null');
  if (!(c.sparsityCoefficient >= 0)) throw bad('sparsityCoefficient', c.sparsityCoefficient, 'must be ≥ 0');
  if (!(c.heldOutFraction > 0 && c.heldOutFraction < 1))
    throw bad('heldOutFraction', c.heldOutFraction, 'must be in (0, 1): held-out metrics are not optional');
  if (!(c.beta1 >= 0 && c.beta1 < 1 && c.beta2 >= 0 && c.beta2 < 1))
    throw bad('beta', `${c.beta1}, ${c.beta2}`, 'must be in [0, 1)');
  if (!(c.thresholdEmaBeta >= 0 && c.thresholdEmaBeta < 1))
    throw bad('thresholdEmaBeta', c.thresholdEmaBeta, 'must be in [0, 1)');
  if (!Number.isSafeInteger(c.thresholdStartStep) || c.thresholdStartStep < 0)
    throw bad('thresholdStartStep', c.thresholdStartStep, 'must be an integer ≥ 0');
  if (c.deadWindowTokens !== null && !(c.deadWindowTokens >= 1 && Number.isFinite(c.deadWindowTokens)))
    throw bad('deadWindowTokens', c.deadWindowTokens, 'must be ≥ 1 or null');
  if (c.gradClip !== null && !(c.gradClip > 0 && Number.isFinite(c.gradClip)))
    throw bad('gradClip', c.gradClip, 'must be > 0 or null');
  if (!(c.jumpReluBandwidth > 0) || !(c.jumpReluInitThreshold > 0))
    throw bad('jumpRelu', `${c.jumpReluBandwidth}, ${c.jumpReluInitThreshold}`, 'bandwidth and threshold must be > 0');
  if (!(dIn >= 1)) throw bad('d_in', dIn, 'data must have at least one column');
}

/** Fields whose change keeps the trained weights and optimizer state; any other change restarts the run. */
export const LIVE_FIELDS: ReadonlySet<keyof SaeConfig> = new Set<keyof SaeConfig>([
  'k',
  'sparsityCoefficient',
  'sparsityWarmupSteps',
  'lr',
  'lrWarmupSteps',
  'lrDecayFraction',
  'beta1',
  'beta2',
  'eps',
  'gradClip',
  'batchSize',
  'steps',
  'auxKCoefficient',
  'auxK',
  'deadWindowTokens',
  'thresholdEmaBeta',
  'thresholdStartStep',
  'jumpReluBandwidth',
  'evalEvery',
]);

export type ChangeEffect = { effect: 'continue' } | { effect: 'restart'; because: (keyof SaeConfig)[] };

/**
 * Continue: hyperparameters of the optimiser or the sparsity mechanism. Restart: anything that changes the
 * parameter shapes (dSae), the model family (architecture), the data seen (seed, split, normalization) or
 * the initialisation — continuing those would silently mix two runs.
 */
export function changeEffect(before: SaeConfig, after: SaeConfig): ChangeEffect {
  const because = (Object.keys(after) as (keyof SaeConfig)[]).filter(
    (f) => before[f] !== after[f] && !LIVE_FIELDS.has(f),
  );
  return because.length ? { effect: 'restart', because } : { effect: 'continue' };
}
