// Pretrained SAEs in each library's own on-disk layout (tools/reference/sae_layouts.py) import to weights whose
// encoding, by the f64 reference forward pass with the row normalisation applied around it, gives the codes and
// reconstructions of that library's own forward pass; the variants Probelab does not compute are refused by name.
import { describe, expect, it } from 'vitest';
import { readSae } from '../../../../src/core/sae/import/import-sae';
import { isPre6 } from '../../../../src/core/sae/import/saelens';
import { bytesSource } from '../../../../src/core/formats/byte-source';
import { fixtureBytes } from '../../../support/fixtures';
import {
  ACTS,
  caseSources,
  expectCaseMatches,
  layoutReference,
  readCase,
  referenceEncode,
} from '../../../support/sae-layout-cases';

const ref = layoutReference();

describe('every reference SAE encodes as the library that wrote it', () => {
  for (const name of Object.keys(ref.cases)) {
    it(name, async () => {
      const sae = await readCase(name);
      expect([sae.weights.dIn, sae.weights.dSae]).toEqual([ref.d_in, ref.d_sae]);
      expectCaseMatches(name, await referenceEncode(sae.weights));
    });
  }
});

describe('what each importer decides', () => {
  it('dictionary_learning AutoEncoderTopK with a positive threshold buffer is top-k, BatchTopKSAE is its threshold', async () => {
    const topk = await readCase('dl-topk');
    expect([topk.variant, topk.weights.architecture, topk.weights.k]).toEqual(['AutoEncoderTopK', 'topk', 3]);
    expect(ref.cases['dl-topk'].l0).toBe(3);
    const batch = await readCase('dl-batchtopk');
    expect([batch.variant, batch.weights.architecture]).toEqual(['BatchTopKSAE', 'jumprelu']);
    expect(new Set(batch.weights.threshold).size).toBe(1);
  });

  it('the two share their tensors, so without config.json the importer asks for it', async () => {
    const sources = caseSources('dl-topk').filter((s) => !s.name.endsWith('config.json'));
    await expect(readSae(sources)).rejects.toThrow(/dl-topk\/ae\.pt: .*config\.json.*trainer\.dict_class/);
  });

  it('a config.json whose dict_class does not fit the tensors is refused, naming the key', async () => {
    const [ae] = caseSources('dl-topk').filter((s) => s.name.endsWith('ae.pt'));
    const config = caseSources('dl-jumprelu').find((s) => s.name.endsWith('config.json'))!;
    await expect(readSae([ae, config])).rejects.toThrow(
      /config\.json: dict_class 'JumpReluAutoEncoder' does not match.*trainer\.dict_class/,
    );
  });

  it('no b_dec subtraction for dictionary_learning JumpReLU and Gemma Scope: b_dec is folded into b_enc', async () => {
    for (const name of ['dl-jumprelu', 'gemma-scope']) {
      const sae = await readCase(name);
      expect(sae.notes.join(' ')).toMatch(/b_enc′ = b_enc \+ W_encᵀ·b_dec/);
    }
  });

  it('SAELens < 6 "standard" with activation_fn topk and activation_fn_kwargs.k is TopK', async () => {
    const sae = await readCase('saelens5-topk');
    expect([sae.weights.architecture, sae.weights.k]).toEqual(['topk', 3]);
    expect(sae.notes[0]).toMatch(/SAELens < 6\.0 \(version 5\.11\.0\)/);
  });

  it('normalize_activations layer_norm and constant_norm_rescale become a per-row input normalisation', async () => {
    expect((await readCase('saelens-jumprelu-layer-norm')).weights.inputNorm).toBe('layer_norm');
    expect((await readCase('saelens-constant-norm')).weights.inputNorm).toBe('constant_norm_rescale');
    expect((await readCase('openai-topk')).weights.inputNorm).toBe('layer_norm');
    expect((await readCase('openai-relu')).weights.inputNorm).toBeUndefined();
  });

  const refusals: Record<string, RegExp> = {
    'refused-dl-gated': /refused-dl-gated\/ae\.pt: GatedAutoEncoder is not supported/,
    'refused-sparsify-groupmax': /cfg\.json: activation 'groupmax' is not supported.*\(at key 'activation'\)/,
    'refused-sparsify-transcoder': /cfg\.json: transcode: true is a transcoder.*\(at key 'transcode'\)/,
    'refused-saelens-gated': /cfg\.json: architecture 'gated' is not supported.*\(at key 'architecture'\)/,
    'refused-saelens5-tanh-relu': /cfg\.json: activation_fn 'tanh-relu' is not supported.*\(at key 'activation_fn'\)/,
  };
  for (const name of ref.refused) {
    it(`refuses ${name} with the file and the setting`, async () => {
      expect(refusals[name], `a refusal pattern for ${name}`).toBeDefined();
      await expect(readCase(name)).rejects.toThrow(refusals[name]);
    });
  }

  it('a file that is no SAE names its tensors and the formats it expected', async () => {
    const acts = bytesSource('acts.npy', fixtureBytes(ACTS));
    await expect(readSae([acts])).rejects.toThrow(/acts\.npy: a npy file is not an SAE: SAELens/);
  });
});

describe('SAELens version rule (handle_config_defaulting)', () => {
  it('no version or one below 6.0.0-rc.0 is the pre-6 format', () => {
    expect([undefined, '5.11.0', '0.5.1', '6.0.0.dev3', '6.0.0a1'].map((v) => isPre6(v, 'cfg.json'))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['6.0.0-rc.0', '6.0.0rc2', '6.0.0', '6.18.0', '7.1'].map((v) => isPre6(v, 'cfg.json'))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(() => isPre6('latest', 'cfg.json')).toThrow(/cfg\.json: sae_lens_version 'latest' is not a version/);
  });
});
