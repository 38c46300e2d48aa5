// Hands a tuned Probelab SAE run to a cluster trainer: the same hyperparameters as SAELens 6 or EleutherAI
// sparsify fields (converted where the two scales differ), a short Python launcher, and a README of every mapping
// and every setting with no exact equivalent. Pure: the caller writes the files.
import { DEFAULT_SAE_CONFIG, resolvedLr, type SaeConfig } from './config';
import { initialRowNorm } from './init';

export type ScaleOutTarget = 'saelens' | 'sparsify';

/** What the export reads from a finished run (probelab_summary.json + cfg.json, or the page's result). */
export interface ScaleOutSource {
  config: SaeConfig;
  dIn: number;
  /** Held-out MSE per row (Σ over d) in the training units (after input normalisation): AuxK's conversion. */
  heldOutMse: number | null;
  /** Free-form metadata of the activations, if any held a model name, hook point, dataset or token count. */
  metadata?: Record<string, unknown>;
}

/** Placeholders the script fills at the top; a value of null stays a marked placeholder the script refuses. */
export interface ScaleOutPlaceholders {
  modelName: string | null;
  hookName: string | null;
  dataset: string | null;
  totalTokens: number | null;
  contextSize: number | null;
}

export interface ScaleOutMapping {
  probelab: string;
  /** Dotted field path in the library's config ('sae.k', 'lr'). */
  field: string;
  value: unknown;
  note: string;
}

export interface ScaleOutGap {
  setting: string;
  why: string;
  instead: string;
}

export interface ScaleOutFiles {
  /** The library config as JSON (only the library's own fields), the Python launcher, and the README. */
  configName: string;
  config: Record<string, unknown>;
  /** Fields the script sets from the placeholders (library field → Python type written). */
  scriptFields: Record<string, 'int' | 'str' | 'list'>;
  scriptName: string;
  script: string;
  readme: string;
  mappings: ScaleOutMapping[];
  gaps: ScaleOutGap[];
  placeholders: ScaleOutPlaceholders;
}

const SAELENS_CLASS = {
  relu: ['StandardTrainingSAEConfig', 'standard'],
  topk: ['TopKTrainingSAEConfig', 'topk'],
  batchtopk: ['BatchTopKTrainingSAEConfig', 'batchtopk'],
  jumprelu: ['JumpReLUTrainingSAEConfig', 'jumprelu'],
} as const;

/** The SAELens training-config class (and its architecture name) a Probelab architecture trains as. */
export function saeLensClassOf(c: SaeConfig): { className: string; architecture: string } {
  const [className, architecture] = SAELENS_CLASS[c.architecture];
  return { className, architecture };
}

/** Placeholders from the metadata keys SAELens itself writes, and the common alternatives. */
export function placeholdersFrom(meta: Record<string, unknown> = {}): ScaleOutPlaceholders {
  const str = (...keys: string[]) => {
    for (const k of keys) if (typeof meta[k] === 'string' && meta[k]) return meta[k] as string;
    return null;
  };
  const int = (...keys: string[]) => {
    for (const k of keys) {
      const v = Number(meta[k]);
      if (meta[k] !== undefined && meta[k] !== null && Number.isSafeInteger(v) && v > 0) return v;
    }
    return null;
  };
  return {
    modelName: str('model_name', 'model'),
    hookName: str('hook_name', 'hookpoint', 'hook_point'),
    dataset: str('dataset_path', 'dataset'),
    totalTokens: int('training_tokens', 'total_tokens', 'n_tokens'),
    contextSize: int('context_size', 'ctx_len'),
  };
}

/**
 * Probelab's AuxK is α·Σ‖e − ê‖²/Σ‖e − ē‖² (normalised by the residual's batch variance); SAELens adds
 * c·s·mean_b‖e − ê‖² and sparsify α'·s·Σ‖e − ê‖²/Σ‖x − x̄‖² beside its FVU loss (s = min(n_dead/k_aux, 1)).
 * Relative to each library's reconstruction term both equal Probelab's when c = α' = α/(s·v), v the residual's
 * per-row variance ≈ the held-out MSE in training units. s changes during a run, so s = 1 (the binding case:
 * many dead latents) is used and the README says so.
 */
export function convertedAuxK(alpha: number, heldOutMse: number | null): { value: number; exact: boolean } {
  if (alpha === 0) return { value: 0, exact: true };
  if (!(heldOutMse !== null && heldOutMse > 0 && Number.isFinite(heldOutMse))) return { value: alpha, exact: false };
  return { value: alpha / heldOutMse, exact: false };
}

/** The dead window in tokens the run meant: the explicit one, or Probelab's rule applied to the cluster run. */
function deadWindowNote(c: SaeConfig): string {
  return c.deadWindowTokens !== null
    ? `${c.deadWindowTokens} tokens, as set in Probelab`
    : 'Probelab default rule max(B, min(10M, TOTAL_TOKENS / 8)) evaluated on the cluster run (one pass over its tokens caps nothing there)';
}

function pyValue(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function placeholderLines(p: ScaleOutPlaceholders, names: Record<keyof ScaleOutPlaceholders, string>): string {
  const line = (key: keyof ScaleOutPlaceholders, what: string) =>
    `${names[key]} = ${pyValue(p[key])}  # ${p[key] === null ? 'PLACEHOLDER: set ' : 'from the activations metadata: '}${what}`;
  return [
    line('modelName', 'the model the activations came from'),
    line('hookName', 'the hook point / module the activations were read at'),
    line('dataset', 'the text dataset (HF id or local path)'),
    line('totalTokens', 'total training tokens for the cluster run (e.g. 1_000_000_000)'),
    line('contextSize', 'tokens per sequence'),
  ].join('\n');
}

const PLACEHOLDER_CHECK = `missing = [n for n, v in PLACEHOLDERS.items() if v is None]
if missing:
    sys.exit("set the PLACEHOLDER values at the top of this script first: " + ", ".join(missing))`;

function saeLensFiles(src: ScaleOutSource, p: ScaleOutPlaceholders): ScaleOutFiles {
  const c = src.config;
  const { className, architecture } = saeLensClassOf(c);
  const lr = resolvedLr(c);
  const auxk = convertedAuxK(c.auxKCoefficient, src.heldOutMse);
  const mappings: ScaleOutMapping[] = [];
  const gaps: ScaleOutGap[] = [];
  const map = (probelab: string, field: string, value: unknown, note = 'same meaning') =>
    mappings.push({ probelab, field, value, note });
  const sae: Record<string, unknown> = {};
  const runner: Record<string, unknown> = {};
  const setSae = (probelab: string, field: string, value: unknown, note?: string) => {
    sae[field] = value;
    map(probelab, `sae.${field}`, value, note);
  };
  const setRun = (probelab: string, field: string, value: unknown, note?: string) => {
    runner[field] = value;
    map(probelab, field, value, note);
  };
  map('architecture', 'sae (class)', className, `SAELens training architecture "${architecture}"`);
  setSae('d_in (from the data)', 'd_in', src.dIn);
  setSae('dSae', 'd_sae', c.dSae);
  setSae('(f32 throughout)', 'dtype', 'float32');
  setSae('(device)', 'device', 'cuda');
  setSae('encoder input x − b_dec', 'apply_b_dec_to_input', true);
  setSae(
    'normalize',
    'normalize_activations',
    c.normalize ? 'expected_average_only_in' : 'none',
    c.normalize ? 'both scale inputs so E‖x‖ = √d_in and fold the scale back at the end' : 'no input scaling',
  );
  setSae('decoder row norm at init', 'decoder_init_norm', initialRowNorm(c.architecture), 'same rule as Probelab');
  if (c.architecture === 'relu') {
    setSae(
      'sparsityCoefficient λ',
      'l1_coefficient',
      c.sparsityCoefficient,
      'unchanged: both losses are Σ_d squared error (batch mean) + λ·mean_b Σ_i f_i‖W_dec,i‖ on the same input scale',
    );
    setSae('(L1 norm)', 'lp_norm', 1);
    setSae('sparsityWarmupSteps', 'l1_warm_up_steps', c.sparsityWarmupSteps, 'linear ramp from 0, in steps');
  }
  if (c.architecture === 'jumprelu') {
    setSae('sparsityCoefficient λ (L0)', 'l0_coefficient', c.sparsityCoefficient, 'unchanged: λ·mean_b Σ_i 1[h > θ]');
    setSae('sparsityWarmupSteps', 'l0_warm_up_steps', c.sparsityWarmupSteps, 'linear ramp from 0, in steps');
    setSae('jumpReluBandwidth ε', 'jumprelu_bandwidth', c.jumpReluBandwidth);
    setSae('jumpReluInitThreshold θ₀', 'jumprelu_init_threshold', c.jumpReluInitThreshold);
    setSae('(straight-through L0)', 'jumprelu_sparsity_loss_mode', 'step', 'Probelab penalises the step, not tanh');
  }
  if (c.architecture === 'topk' || c.architecture === 'batchtopk') {
    setSae('k', 'k', c.k, c.architecture === 'batchtopk' ? 'average active latents per row over a batch' : 'per row');
    setSae(
      'auxKCoefficient α',
      'aux_loss_coefficient',
      auxk.value,
      src.heldOutMse !== null && c.auxKCoefficient > 0
        ? `CONVERTED: α / held-out MSE = ${c.auxKCoefficient} / ${src.heldOutMse.toPrecision(4)} (Probelab normalises AuxK by the residual variance, SAELens does not)`
        : 'α as given (no held-out MSE to convert with)',
    );
    setSae(
      'unit-norm decoder rows',
      'rescale_acts_by_decoder_norm',
      true,
      'Probelab keeps TopK decoder rows at unit norm; SAELens instead selects on h·‖W_dec,i‖, the same choice on unit rows',
    );
  }
  if (c.architecture === 'batchtopk')
    setSae('thresholdEmaBeta β', 'topk_threshold_lr', 1 - c.thresholdEmaBeta, 'θ ← (1 − lr)·θ + lr·cut: lr = 1 − β');
  setRun('batchSize (rows = tokens)', 'train_batch_size_tokens', c.batchSize);
  setRun('lr (resolved)', 'lr', lr, c.lr === null ? 'Probelab default 2e-4·√(2¹⁴/d_sae), written out' : 'as set');
  setRun('(constant between warm-up and decay)', 'lr_scheduler_name', 'constant');
  setRun('lrWarmupSteps', 'lr_warm_up_steps', c.lrWarmupSteps, 'both ramp lr·(t+1)/W');
  setRun('beta1', 'adam_beta1', c.beta1);
  setRun('beta2', 'adam_beta2', c.beta2);
  setRun('seed', 'seed', c.seed);
  setRun('(f32)', 'dtype', 'float32');
  setRun('(device)', 'device', 'cuda');
  setRun('(no mixed precision)', 'autocast', false, 'Probelab trains in f32');
  setRun('(output)', 'output_path', 'output');
  runner.logger = { log_to_wandb: false };
  map('(no logging service)', 'logger.log_to_wandb', false, 'turn on if you use Weights & Biases');
  map(
    'lrDecayFraction',
    'lr_decay_steps',
    `int(steps · ${c.lrDecayFraction})`,
    'set by the script from TOTAL_TOKENS: linear decay to 0 over the same last fraction of the steps',
  );
  map(
    'deadWindowTokens',
    'dead_feature_window',
    'ceil(window tokens / batch)',
    `${deadWindowNote(c)}; SAELens counts steps`,
  );
  map(
    '(placeholder)',
    'model_name / hook_name / dataset_path / training_tokens / context_size',
    null,
    'set at the top of the script',
  );

  gaps.push({
    setting: `bDecInit = ${c.bDecInit}`,
    why: 'SAELens 6 always starts b_dec at zero (no b_dec_init_method since 6.0)',
    instead:
      c.bDecInit === 'zero'
        ? 'nothing: zero is what Probelab used'
        : 'the script keeps SAELens’ zero start; b_dec is trained either way, so only the first steps differ',
  });
  if (c.eps !== 1e-8)
    gaps.push({ setting: `Adam eps = ${c.eps}`, why: 'no field: torch.optim.Adam default 1e-8', instead: 'eps 1e-8' });
  if (c.gradClip !== 1)
    gaps.push({
      setting: `gradClip = ${c.gradClip}`,
      why: 'SAELens always clips the global gradient norm at 1.0',
      instead: 'clip at 1.0',
    });
  if (c.architecture === 'topk' || c.architecture === 'batchtopk') {
    gaps.push({
      setting: 'AuxK scale',
      why: 'Probelab divides AuxK by the residual variance; SAELens uses the raw squared error times min(n_dead/k_aux, 1)',
      instead: `aux_loss_coefficient = α / held-out MSE (${auxk.value.toPrecision(4)}), exact while n_dead ≥ k_aux and the residual variance stays near its final value`,
    });
    if (c.auxK !== null)
      gaps.push({
        setting: `auxK = ${c.auxK}`,
        why: 'SAELens fixes k_aux = d_in // 2',
        instead: `k_aux = ${Math.floor(src.dIn / 2)}`,
      });
  }
  if (c.architecture === 'batchtopk')
    gaps.push({
      setting: `thresholdStartStep = ${c.thresholdStartStep}`,
      why: 'SAELens updates θ from step 0, starting at θ = 0',
      instead: 'θ is an EMA from 0 from the first step; over a long run the start is forgotten',
    });
  gaps.push({
    setting: 'dead-latent window',
    why: 'SAELens counts the window in steps (batches), Probelab in tokens; Probelab counts ≥ W, SAELens > W',
    instead: 'dead_feature_window = ceil(tokens / train_batch_size_tokens) steps',
  });
  if (c.sparsityWarmupSteps > 0 && (c.architecture === 'relu' || c.architecture === 'jumprelu'))
    gaps.push({
      setting: 'sparsity warm-up',
      why: 'Probelab uses λ·(t+1)/W, SAELens λ·t/W',
      instead: 'SAELens’ ramp: one step later, otherwise the same',
    });
  gaps.push({
    setting: `heldOutFraction = ${c.heldOutFraction}, evalEvery = ${c.evalEvery}`,
    why: 'SAELens evaluates on n_eval_batches of fresh tokens, not a held-out slice of a file',
    instead: 'SAELens defaults; compare the result on your held-out file with `probelab compare`',
  });

  const scriptFields = {
    model_name: 'str',
    hook_name: 'str',
    dataset_path: 'str',
    training_tokens: 'int',
    context_size: 'int',
    lr_decay_steps: 'int',
    dead_feature_window: 'int',
  } as const;
  const config = { ...runner, sae };
  const windowExpr =
    c.deadWindowTokens !== null
      ? String(c.deadWindowTokens)
      : `max(cfg["train_batch_size_tokens"], min(10_000_000, TOTAL_TOKENS // 8))`;
  const script = `"""Train the SAE tuned in Probelab with SAELens 6 (LanguageModelSAETrainingRunner).

Hyperparameters come from saelens_runner_cfg.json beside this script (mapping and caveats: README.md).
Run: python train_saelens.py     (pip install "sae-lens>=6.18,<7")
"""
import json
import math
import pathlib
import sys

${placeholderLines(p, { modelName: 'MODEL_NAME', hookName: 'HOOK_NAME', dataset: 'DATASET_PATH', totalTokens: 'TOTAL_TOKENS', contextSize: 'CONTEXT_SIZE' })}
PLACEHOLDERS = {"MODEL_NAME": MODEL_NAME, "HOOK_NAME": HOOK_NAME, "DATASET_PATH": DATASET_PATH,
                "TOTAL_TOKENS": TOTAL_TOKENS, "CONTEXT_SIZE": CONTEXT_SIZE}
LR_DECAY_FRACTION = ${c.lrDecayFraction}  # Probelab: linear decay to 0 over this last fraction of the steps
${PLACEHOLDER_CHECK}

from sae_lens import LanguageModelSAERunnerConfig, LanguageModelSAETrainingRunner, LoggingConfig, ${className}

cfg = json.loads((pathlib.Path(__file__).parent / "saelens_runner_cfg.json").read_text())
steps = TOTAL_TOKENS // cfg["train_batch_size_tokens"]
# SAELens reads a pre-tokenized dataset unless told otherwise: for raw text add is_dataset_tokenized=False here.
cfg.update(model_name=MODEL_NAME, hook_name=HOOK_NAME, dataset_path=DATASET_PATH,
           training_tokens=TOTAL_TOKENS, context_size=CONTEXT_SIZE,
           lr_decay_steps=int(steps * LR_DECAY_FRACTION))
window_tokens = ${windowExpr}
cfg["dead_feature_window"] = math.ceil(window_tokens / cfg["train_batch_size_tokens"])
sae_cfg = ${className}(**cfg.pop("sae"))
runner_cfg = LanguageModelSAERunnerConfig(sae=sae_cfg, logger=LoggingConfig(**cfg.pop("logger")), **cfg)
LanguageModelSAETrainingRunner(runner_cfg).run()
print("done: SAELens wrote the SAE under", runner_cfg.output_path, "- import it in Probelab to compare")
`;
  return {
    configName: 'saelens_runner_cfg.json',
    config,
    scriptFields: { ...scriptFields },
    scriptName: 'train_saelens.py',
    script,
    readme: readmeOf(
      'SAELens 6',
      'saelens_runner_cfg.json',
      'train_saelens.py',
      'python train_saelens.py',
      c,
      src,
      mappings,
      gaps,
      p,
    ),
    mappings,
    gaps,
    placeholders: p,
  };
}

function sparsifyFiles(src: ScaleOutSource, p: ScaleOutPlaceholders): ScaleOutFiles {
  const c = src.config;
  if (c.architecture !== 'topk' && c.architecture !== 'batchtopk')
    throw new Error(
      `sparsify trains TopK (and GroupMax) sparse coders only; a ${c.architecture} SAE has no sparsify equivalent: use --to saelens`,
    );
  const lr = resolvedLr(c);
  const auxk = convertedAuxK(c.auxKCoefficient, src.heldOutMse);
  const mappings: ScaleOutMapping[] = [];
  const gaps: ScaleOutGap[] = [];
  const sae: Record<string, unknown> = {};
  const train: Record<string, unknown> = {};
  const setSae = (probelab: string, field: string, value: unknown, note = 'same meaning') => {
    sae[field] = value;
    mappings.push({ probelab, field: `sae.${field}`, value, note });
  };
  const setTrain = (probelab: string, field: string, value: unknown, note = 'same meaning') => {
    train[field] = value;
    mappings.push({ probelab, field, value, note });
  };
  setSae('architecture', 'activation', 'topk', c.architecture === 'batchtopk' ? 'per-row TopK (see below)' : 'same');
  setSae('dSae', 'num_latents', c.dSae);
  setSae('dSae / d_in', 'expansion_factor', Math.max(1, Math.round(c.dSae / src.dIn)), 'ignored: num_latents > 0 wins');
  setSae('k', 'k', c.k);
  setSae(
    'unit-norm decoder rows',
    'normalize_decoder',
    true,
    'both keep TopK decoder rows at unit norm and drop the parallel gradient',
  );
  setSae('(plain SAE)', 'multi_topk', false);
  setSae('(plain SAE)', 'skip_connection', false);
  setSae('(plain SAE)', 'transcode', false);
  setTrain(
    '(reconstruction loss)',
    'loss_fn',
    'fvu',
    'sparsify’s FVU = Probelab’s MSE divided by the batch variance: same minimiser',
  );
  setTrain('(Adam)', 'optimizer', 'adam', 'sparsify’s default is signum; Probelab trains with Adam');
  setTrain(
    'lr (resolved)',
    'lr',
    lr,
    c.lr === null ? 'Probelab’s default is sparsify’s Adam default 2e-4·√(2¹⁴/d_sae)' : 'as set',
  );
  setTrain('lrWarmupSteps', 'lr_warmup_steps', c.lrWarmupSteps);
  setTrain(
    'auxKCoefficient α',
    'auxk_alpha',
    auxk.value,
    src.heldOutMse !== null && c.auxKCoefficient > 0
      ? `CONVERTED: α / held-out MSE = ${c.auxKCoefficient} / ${src.heldOutMse.toPrecision(4)} (sparsify divides AuxK by the input variance, Probelab by the residual's)`
      : 'α as given (no held-out MSE to convert with)',
  );
  if (c.deadWindowTokens !== null)
    setTrain('deadWindowTokens', 'dead_feature_threshold', c.deadWindowTokens, 'tokens in both');
  else
    mappings.push({
      probelab: 'deadWindowTokens',
      field: 'dead_feature_threshold',
      value: 'script',
      note: `${deadWindowNote(c)}; tokens in both`,
    });
  setTrain('seed', 'init_seeds', [c.seed]);
  setTrain('(no logging service)', 'log_to_wandb', false);
  setTrain('(output)', 'save_dir', 'checkpoints');
  setTrain('(run name)', 'run_name', `probelab-${c.architecture}-${c.dSae}`);
  mappings.push({
    probelab: 'batchSize (rows = tokens)',
    field: 'batch_size',
    value: `round(${c.batchSize} / CONTEXT_SIZE)`,
    note: 'sparsify counts sequences: set by the script',
  });
  mappings.push({
    probelab: '(placeholder)',
    field: 'model / dataset / hookpoints / ctx_len / max_examples / shuffle_seed',
    value: null,
    note: 'RunConfig fields set at the top of the script; max_examples = TOTAL_TOKENS // CONTEXT_SIZE',
  });
  if (c.architecture === 'batchtopk')
    gaps.push({
      setting: 'BatchTopK',
      why: 'sparsify has no batch-level TopK or inference threshold',
      instead: `per-row TopK with the same k = ${c.k}: the same average L0, without BatchTopK's variable per-row budget`,
    });
  gaps.push({
    setting: `lrDecayFraction = ${c.lrDecayFraction}`,
    why: 'sparsify’s Adam schedule decays linearly to 0 over the whole run after the warm-up',
    instead: 'sparsify’s schedule (lower lr through the middle of the run than Probelab)',
  });
  if (c.beta1 !== 0.9 || c.beta2 !== 0.999 || c.eps !== 1e-8)
    gaps.push({
      setting: `Adam betas (${c.beta1}, ${c.beta2}), eps ${c.eps}`,
      why: 'sparsify builds Adam with torch defaults',
      instead: 'betas (0.9, 0.999), eps 1e-8',
    });
  gaps.push({
    setting: 'Adam implementation',
    why: 'sparsify uses bitsandbytes Adam8bit when it is installed',
    instead: 'the script stops if bitsandbytes is importable, so torch.optim.Adam (f32 state, as Probelab) is used',
  });
  if (c.gradClip !== null)
    gaps.push({ setting: `gradClip = ${c.gradClip}`, why: 'sparsify does not clip gradients', instead: 'no clipping' });
  gaps.push({
    setting: c.normalize ? 'normalize (E‖x‖ = √d_in)' : 'no input normalisation',
    why: 'sparsify has no input scaling',
    instead: 'raw activations: the FVU loss and TopK selection do not depend on a global input scale',
  });
  gaps.push({
    setting: `bDecInit = ${c.bDecInit}`,
    why: 'sparsify sets b_dec to the mean of the first batch',
    instead: c.bDecInit === 'mean' ? 'the mean (of one batch, not of a 65,536-row sample)' : 'the first batch’s mean',
  });
  gaps.push({
    setting: 'AuxK scale',
    why: 'sparsify divides AuxK by the input variance and multiplies by min(n_dead/k_aux, 1); its ê includes b_dec',
    instead: `auxk_alpha = α / held-out MSE (${auxk.value.toPrecision(4)})`,
  });
  if (c.auxK !== null)
    gaps.push({
      setting: `auxK = ${c.auxK}`,
      why: 'sparsify fixes k_aux = d_in // 2',
      instead: `k_aux = ${Math.floor(src.dIn / 2)}`,
    });
  gaps.push({
    setting: 'batch size',
    why: 'sparsify counts whole sequences per batch',
    instead: `batch_size = max(1, round(${c.batchSize} / CONTEXT_SIZE / WORLD_SIZE)) sequences per GPU: the nearest whole number of sequences, so short contexts match best`,
  });
  gaps.push({
    setting: `heldOutFraction = ${c.heldOutFraction}`,
    why: 'sparsify reports training FVU only',
    instead: 'compare the result on your held-out file with `probelab compare`',
  });
  const windowExpr =
    c.deadWindowTokens !== null
      ? 'cfg["dead_feature_threshold"]'
      : `max(${c.batchSize}, min(10_000_000, TOTAL_TOKENS // 8))`;
  const script = `"""Train the SAE tuned in Probelab with EleutherAI sparsify, on every GPU of this machine.

Hyperparameters come from sparsify_train_config.json beside this script (mapping and caveats: README.md).
Run: torchrun --nproc_per_node gpu train_sparsify.py     (pip install "eai-sparsify>=1.3")
"""
import json
import os
import pathlib
import sys

${placeholderLines(p, { modelName: 'MODEL_NAME', hookName: 'HOOKPOINT', dataset: 'DATASET', totalTokens: 'TOTAL_TOKENS', contextSize: 'CONTEXT_SIZE' })}
PLACEHOLDERS = {"MODEL_NAME": MODEL_NAME, "HOOKPOINT": HOOKPOINT, "DATASET": DATASET,
                "TOTAL_TOKENS": TOTAL_TOKENS, "CONTEXT_SIZE": CONTEXT_SIZE}
${PLACEHOLDER_CHECK}
try:
    import bitsandbytes  # noqa: F401
    sys.exit("uninstall bitsandbytes: sparsify would train with 8-bit Adam, Probelab's run used f32 Adam")
except ImportError:
    pass

import sparsify.__main__ as launcher
from sparsify import SaeConfig
from sparsify.__main__ import RunConfig

cfg = json.loads((pathlib.Path(__file__).parent / "sparsify_train_config.json").read_text())
# Probelab's batch is ${c.batchSize} tokens in all; sparsify's batch_size is sequences per GPU.
cfg["batch_size"] = max(1, round(${c.batchSize} / CONTEXT_SIZE / int(os.environ.get("WORLD_SIZE", "1"))))
cfg["dead_feature_threshold"] = ${windowExpr}
run_cfg = RunConfig(sae=SaeConfig(**cfg.pop("sae")), model=MODEL_NAME, dataset=DATASET, hookpoints=[HOOKPOINT],
                    ctx_len=CONTEXT_SIZE, max_examples=TOTAL_TOKENS // CONTEXT_SIZE,
                    shuffle_seed=cfg["init_seeds"][0], **cfg)
# sparsify's own entry point (DDP set-up, model and dataset loading, Trainer.fit), given this config instead of
# parsing the command line.
launcher.parse = lambda _cls: run_cfg
launcher.run()
`;
  return {
    configName: 'sparsify_train_config.json',
    config: { ...train, sae },
    scriptFields: {
      batch_size: 'int',
      dead_feature_threshold: 'int',
      model: 'str',
      dataset: 'str',
      hookpoints: 'list',
      ctx_len: 'int',
      max_examples: 'int',
      shuffle_seed: 'int',
    },
    scriptName: 'train_sparsify.py',
    script,
    readme: readmeOf(
      'EleutherAI sparsify',
      'sparsify_train_config.json',
      'train_sparsify.py',
      'torchrun --nproc_per_node gpu train_sparsify.py',
      c,
      src,
      mappings,
      gaps,
      p,
    ),
    mappings,
    gaps,
    placeholders: p,
  };
}

function readmeOf(
  library: string,
  configName: string,
  scriptName: string,
  command: string,
  c: SaeConfig,
  src: ScaleOutSource,
  mappings: ScaleOutMapping[],
  gaps: ScaleOutGap[],
  p: ScaleOutPlaceholders,
): string {
  const cell = (v: unknown) => String(typeof v === 'string' ? v : JSON.stringify(v)).replaceAll('|', '\\|');
  const missing = (Object.keys(p) as (keyof ScaleOutPlaceholders)[]).filter((k) => p[k] === null);
  return [
    `# Scale-out: this Probelab ${c.architecture} SAE (d_in ${src.dIn}, d_sae ${c.dSae}) on ${library}`,
    '',
    `- \`${configName}\`: the library's config, every field one the library defines (checked against its source).`,
    `- \`${scriptName}\`: fills the placeholders, builds the config and trains. Run: \`${command}\``,
    '',
    '## Placeholders (set at the top of the script)',
    '',
    missing.length
      ? `Still to set: ${missing.join(', ')}. The script refuses to start while one is None.`
      : 'All were filled from the activations metadata; check them.',
    '',
    '## Mapping',
    '',
    '| Probelab setting | library field | value | note |',
    '| --- | --- | --- | --- |',
    ...mappings.map((m) => `| ${cell(m.probelab)} | \`${m.field}\` | ${cell(m.value)} | ${cell(m.note)} |`),
    '',
    '## No exact equivalent',
    '',
    '| Probelab setting | why | what the script does instead |',
    '| --- | --- | --- |',
    ...gaps.map((g) => `| ${cell(g.setting)} | ${cell(g.why)} | ${cell(g.instead)} |`),
    '',
    '## Back in Probelab',
    '',
    'Import the trained folder with "Import a dictionary" (or `probelab encode --sae`), then compare it with this run',
    'on the same held-out activations: `probelab compare SMALL_DIR LARGE_DIR ACTS`.',
    '',
  ].join('\n');
}

/** The files of a scale-out export for one library. */
export function scaleOut(src: ScaleOutSource, target: ScaleOutTarget): ScaleOutFiles {
  const p = placeholdersFrom(src.metadata);
  return target === 'saelens' ? saeLensFiles(src, p) : sparsifyFiles(src, p);
}

/**
 * The export's input from a folder written by `probelab sae --out` or the page: cfg.json (d_in, metadata) and
 * probelab_summary.json (the run's config and held-out metrics). Throws naming the file and key at fault.
 */
export function scaleOutSourceOf(cfgJson: unknown, summaryJson: unknown): ScaleOutSource {
  const obj = (v: unknown, what: string) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what}: not a JSON object`);
    return v as Record<string, unknown>;
  };
  const cfg = obj(cfgJson, 'cfg.json');
  const summary = obj(summaryJson, 'probelab_summary.json');
  const dIn = cfg.d_in;
  if (!(typeof dIn === 'number' && Number.isSafeInteger(dIn) && dIn > 0))
    throw new Error(`cfg.json: key "d_in" must be a positive integer, got ${JSON.stringify(dIn)}`);
  const config = obj(summary.config, 'probelab_summary.json key "config"');
  const test = summary.test === undefined ? {} : obj(summary.test, 'probelab_summary.json key "test"');
  const mse = typeof test.mse === 'number' && Number.isFinite(test.mse) ? test.mse : null;
  const meta = {
    ...(cfg.metadata && typeof cfg.metadata === 'object' ? (cfg.metadata as Record<string, unknown>) : {}),
    ...(summary.metadata && typeof summary.metadata === 'object' ? (summary.metadata as Record<string, unknown>) : {}),
  };
  return { config: { ...DEFAULT_SAE_CONFIG, ...(config as Partial<SaeConfig>) }, dIn, heldOutMse: mse, metadata: meta };
}
