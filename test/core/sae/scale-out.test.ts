// The scale-out export writes only fields SAELens 6 / sparsify define, with the types their dataclasses declare
// (field lists read from the libraries' sources by tools/reference/library_config_fields.py), and values that
// mean what Probelab's settings meant.
import { expect, test } from 'vitest';
import { DEFAULT_SAE_CONFIG, defaultLr, type SaeConfig } from '../../../src/core/sae/config';
import { scaleOut, scaleOutSourceOf, type ScaleOutTarget } from '../../../src/core/sae/scale-out';
import { fixtureBytes } from '../../support/fixtures';

interface FieldList {
  source: string;
  classes: Record<string, { file: string; fields: Record<string, { type: string }> }>;
}
const fields = (name: string) => JSON.parse(new TextDecoder().decode(fixtureBytes(`sae-layouts/${name}`))) as FieldList;
const saelens = fields('saelens6-training-fields.json');
const sparsify = fields('sparsify-training-fields.json');

function jsonType(v: unknown): string[] {
  if (v === null) return ['null'];
  if (typeof v === 'boolean') return ['bool'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['int', 'float'] : ['float'];
  if (typeof v === 'string') return ['str'];
  if (Array.isArray(v)) return ['list'];
  return ['dict', 'object'];
}

/** Every key of obj is a field of the class, and its JSON value is one of the field's declared types. */
function expectFieldsOf(obj: Record<string, unknown>, list: FieldList, className: string) {
  const declared = list.classes[className].fields;
  for (const [key, value] of Object.entries(obj)) {
    expect(declared[key], `${className}.${key} (${list.source})`).toBeDefined();
    const allowed = declared[key].type.split('|');
    expect(
      jsonType(value).some((t) => allowed.includes(t)),
      `${className}.${key}: ${JSON.stringify(value)} is not ${declared[key].type}`,
    ).toBe(true);
  }
}

const run = (over: Partial<SaeConfig>, mse: number | null = 0.25) => ({
  config: { ...DEFAULT_SAE_CONFIG, ...over },
  dIn: 64,
  heldOutMse: mse,
});

const SAELENS_CLASS = {
  relu: 'StandardTrainingSAEConfig',
  topk: 'TopKTrainingSAEConfig',
  batchtopk: 'BatchTopKTrainingSAEConfig',
  jumprelu: 'JumpReLUTrainingSAEConfig',
} as const;

for (const arch of ['relu', 'topk', 'batchtopk', 'jumprelu'] as const) {
  test(`SAELens export of a ${arch} run lists only LanguageModelSAERunnerConfig / ${SAELENS_CLASS[arch]} fields`, () => {
    const files = scaleOut(run({ architecture: arch }), 'saelens');
    const { sae, logger, ...runner } = files.config as Record<string, Record<string, unknown>>;
    expectFieldsOf(runner, saelens, 'LanguageModelSAERunnerConfig');
    expectFieldsOf(sae, saelens, SAELENS_CLASS[arch]);
    expectFieldsOf(logger, saelens, 'LoggingConfig');
    const scriptSet = Object.fromEntries(
      Object.entries(files.scriptFields).map(([k, t]) => [k, t === 'int' ? 1 : t === 'str' ? 's' : []]),
    );
    expectFieldsOf(scriptSet, saelens, 'LanguageModelSAERunnerConfig');
    for (const k of Object.keys(files.scriptFields)) expect(files.script).toContain(k);
    expect(files.script).toContain(
      `from sae_lens import LanguageModelSAERunnerConfig, LanguageModelSAETrainingRunner, LoggingConfig, ${SAELENS_CLASS[arch]}`,
    );
    expect(files.readme).toContain('## No exact equivalent');
  });
}

for (const arch of ['topk', 'batchtopk'] as const) {
  test(`sparsify export of a ${arch} run lists only TrainConfig / SparseCoderConfig / RunConfig fields`, () => {
    const files = scaleOut(run({ architecture: arch }), 'sparsify');
    const { sae, ...train } = files.config as Record<string, Record<string, unknown>>;
    expectFieldsOf(train, sparsify, 'TrainConfig');
    expectFieldsOf(sae, sparsify, 'SparseCoderConfig');
    const scriptSet = Object.fromEntries(
      Object.entries(files.scriptFields).map(([k, t]) => [k, t === 'int' ? 1 : t === 'str' ? 's' : []]),
    );
    expectFieldsOf(scriptSet, sparsify, 'RunConfig');
    for (const k of Object.keys(files.scriptFields)) expect(files.script).toContain(k);
  });
}

test('values keep their meaning: λ unchanged on the same loss scale, θ rate = 1 − β, lr resolved, AuxK converted', () => {
  const relu = scaleOut(run({ architecture: 'relu', sparsityCoefficient: 3, sparsityWarmupSteps: 7 }), 'saelens');
  const rs = (relu.config as { sae: Record<string, unknown> }).sae;
  expect(rs.l1_coefficient).toBe(3);
  expect(rs.l1_warm_up_steps).toBe(7);
  expect(rs.decoder_init_norm).toBe(0.1);
  expect(rs.normalize_activations).toBe('expected_average_only_in');
  expect(relu.config.lr).toBeCloseTo(defaultLr(DEFAULT_SAE_CONFIG.dSae), 12);
  const bt = scaleOut(
    run({ architecture: 'batchtopk', thresholdEmaBeta: 0.99, auxKCoefficient: 1 / 32 }, 0.5),
    'saelens',
  );
  const bs = (bt.config as { sae: Record<string, unknown> }).sae;
  expect(bs.topk_threshold_lr).toBeCloseTo(0.01, 12);
  // Probelab's AuxK divides by the residual variance (≈ held-out MSE 0.5): SAELens' raw term needs α / 0.5.
  expect(bs.aux_loss_coefficient).toBeCloseTo(1 / 16, 12);
  expect(bt.readme).toMatch(/CONVERTED: α \/ held-out MSE/);
  const sp = scaleOut(run({ architecture: 'topk', auxKCoefficient: 0.1 }, 0.2), 'sparsify');
  expect(sp.config.auxk_alpha).toBeCloseTo(0.5, 12);
  expect(sp.config.optimizer).toBe('adam');
  expect((sp.config as { sae: Record<string, unknown> }).sae.num_latents).toBe(DEFAULT_SAE_CONFIG.dSae);
  const jr = scaleOut(run({ architecture: 'jumprelu', normalize: false }), 'saelens');
  expect((jr.config as { sae: Record<string, unknown> }).sae.normalize_activations).toBe('none');
  expect((jr.config as { sae: Record<string, unknown> }).sae.jumprelu_sparsity_loss_mode).toBe('step');
});

test('settings with no equivalent are listed: grad clip, eps, b_dec start, BatchTopK in sparsify', () => {
  const sl = scaleOut(run({ architecture: 'topk', gradClip: 0.5, eps: 1e-6, bDecInit: 'geometric-median' }), 'saelens');
  const settings = sl.gaps.map((g) => g.setting).join('\n');
  expect(settings).toMatch(/gradClip = 0.5/);
  expect(settings).toMatch(/eps = 0.000001/);
  expect(settings).toMatch(/bDecInit = geometric-median/);
  expect(scaleOut(run({ architecture: 'batchtopk' }), 'sparsify').gaps.map((g) => g.setting)).toContain('BatchTopK');
  expect(() => scaleOut(run({ architecture: 'relu' }), 'sparsify')).toThrow(/no sparsify equivalent/);
});

test('placeholders come from the metadata where present and stay marked where not', () => {
  const withMeta = scaleOut(
    { ...run({}), metadata: { model_name: 'gpt2', hook_name: 'blocks.8.hook_resid_pre', context_size: 128 } },
    'saelens',
  );
  expect(withMeta.placeholders).toEqual({
    modelName: 'gpt2',
    hookName: 'blocks.8.hook_resid_pre',
    dataset: null,
    totalTokens: null,
    contextSize: 128,
  });
  expect(withMeta.script).toContain('MODEL_NAME = "gpt2"  # from the activations metadata');
  expect(withMeta.script).toContain('DATASET_PATH = None  # PLACEHOLDER');
  expect(withMeta.script).toContain('sys.exit("set the PLACEHOLDER values');
});

test('the source is read from cfg.json and probelab_summary.json, naming the file at fault', () => {
  const src = scaleOutSourceOf(
    { d_in: 8, metadata: { model_name: 'm' } },
    { config: { architecture: 'relu', dSae: 32 }, test: { mse: 0.1 } },
  );
  expect(src).toMatchObject({ dIn: 8, heldOutMse: 0.1, metadata: { model_name: 'm' } });
  expect(src.config.architecture).toBe('relu');
  expect(src.config.beta2).toBe(DEFAULT_SAE_CONFIG.beta2);
  expect(() => scaleOutSourceOf({}, {})).toThrow(/cfg.json: key "d_in"/);
  expect(() => scaleOutSourceOf({ d_in: 8 }, [])).toThrow(/probelab_summary.json/);
  for (const target of ['saelens', 'sparsify'] as ScaleOutTarget[])
    expect(scaleOut(run({}), target).scriptName).toMatch(/\.py$/);
});
