// Interop: a SAELens export re-imports bit-exactly with the stated keys and shapes; sparsify, OpenAI,
// dictionary_learning and SAELens (b_dec not applied to the input) checkpoints encode as their own code says.
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { openSafetensors } from '../../../src/core/formats/safetensors';
import { writeSafetensors } from '../../../src/core/formats/safetensors-writer';
import { createRng } from '../../../src/core/math/rng';
import { exportSaeLens, importDictionary, type NamedTensor } from '../../../src/core/sae/layouts';
import { referenceSae } from '../../../src/core/sae/reference';
import type { SaeWeights } from '../../../src/core/sae/params';
import { expectClose, randn } from '../../support/sae-grad-cases';

const d = 5,
  m = 7;

function weights(arch: SaeWeights['architecture'], seed: number): SaeWeights {
  const r = createRng(seed);
  return {
    architecture: arch,
    dIn: d,
    dSae: m,
    k: arch === 'topk' || arch === 'batchtopk' ? 3 : null,
    wEnc: randn(d * m, r),
    bEnc: randn(m, r),
    wDec: randn(m * d, r),
    bDec: randn(d, r),
    threshold: arch === 'jumprelu' || arch === 'batchtopk' ? Float32Array.from({ length: m }, () => r()) : undefined,
  };
}

async function readBack(bytes: Uint8Array): Promise<Map<string, NamedTensor>> {
  const f = await openSafetensors(bytesSource('sae_weights.safetensors', bytes));
  const out = new Map<string, NamedTensor>();
  for (const t of f.tensors) out.set(t.key, { shape: t.shape, data: await t.readF32() });
  return out;
}

describe('SAELens export', () => {
  for (const arch of ['relu', 'topk', 'batchtopk', 'jumprelu'] as const) {
    it(`${arch}: re-imports bit-exactly with W_enc [d_in, d_sae], W_dec [d_sae, d_in], b_enc, b_dec${arch === 'batchtopk' || arch === 'jumprelu' ? ', threshold' : ''}`, async () => {
      const w = weights(arch, 11);
      const out = exportSaeLens(w, { note: 'test' });
      const tensors = await readBack(out.safetensors);
      const shapes = Object.fromEntries([...tensors].map(([k, t]) => [k, t.shape]));
      const thresholded = arch === 'batchtopk' || arch === 'jumprelu';
      expect(shapes).toEqual({
        W_enc: [d, m],
        W_dec: [m, d],
        b_enc: [m],
        b_dec: [d],
        ...(thresholded ? { threshold: [m] } : {}),
      });
      const cfg = JSON.parse(out.cfgJson);
      expect(cfg).toMatchObject({
        d_in: d,
        d_sae: m,
        dtype: 'float32',
        normalize_activations: 'none',
        apply_b_dec_to_input: true,
      });
      expect(cfg.architecture).toBe(
        { relu: 'standard', topk: 'topk', batchtopk: 'jumprelu', jumprelu: 'jumprelu' }[arch],
      );
      if (arch === 'topk') expect(cfg.k).toBe(3);
      const back = importDictionary('sae_weights.safetensors', tensors, cfg);
      expect(back.layout).toBe('saelens');
      for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const) expect(back.weights[key]).toEqual(w[key]);
      if (thresholded) expect(back.weights.threshold).toEqual(w.threshold);
      expect(back.weights.architecture).toBe(arch === 'batchtopk' ? 'jumprelu' : arch);
    });
  }

  it('writes a header whose length is a multiple of 8, as the reference writer does', () => {
    const bytes = writeSafetensors([{ name: 'a', shape: [3], data: new Float32Array([1, 2, 3]) }], { k: 'v' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd()).toBe(
      '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}',
    );
  });
});

/** Independent forward passes written from each library's own encode/decode, on raw keys. */
function mv(w: Float32Array, rows: number, cols: number, v: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: rows }, (_, i) => {
    let s = 0;
    for (let j = 0; j < cols; j++) s += w[i * cols + j] * v[j];
    return s;
  });
}

describe('imports from other layouts', () => {
  const r = createRng(5);
  const x = randn(d, r);
  const encW = randn(m * d, r),
    encB = randn(m, r),
    decBias = randn(d, r);

  it('sparsify: encoder.weight [m, d], encoder.bias, W_dec [m, d], b_dec; TopK with k from cfg.json', () => {
    const wDec = randn(m * d, r);
    const t = new Map<string, NamedTensor>([
      ['encoder.weight', { shape: [m, d], data: encW }],
      ['encoder.bias', { shape: [m], data: encB }],
      ['W_dec', { shape: [m, d], data: wDec }],
      ['b_dec', { shape: [d], data: decBias }],
    ]);
    const { layout, weights: w } = importDictionary('sae.safetensors', t, { k: 2 });
    expect(layout).toBe('sparsify');
    expect(w.architecture).toBe('topk');
    // sparsify: pre = relu(encoder(x − b_dec)); top-k; x̂ = f·W_dec + b_dec.
    const pre = mv(
      encW,
      m,
      d,
      x.map((v, j) => v - decBias[j]),
    ).map((v, i) => Math.max(0, v + encB[i]));
    const want = referenceSae(w, x, 1, d, m, { architecture: 'topk', k: 2 });
    const top = [...pre.keys()].sort((a, b) => pre[b] - pre[a]).slice(0, 2);
    for (let i = 0; i < m; i++) expect(want.f[i]).toBeCloseTo(top.includes(i) ? pre[i] : 0, 5);
  });

  it('OpenAI: pre_bias, latent_bias, encoder.weight [n, d], decoder.weight [d, n]', () => {
    const decW = randn(d * m, r);
    const t = new Map<string, NamedTensor>([
      ['pre_bias', { shape: [d], data: decBias }],
      ['latent_bias', { shape: [m], data: encB }],
      ['encoder.weight', { shape: [m, d], data: encW }],
      ['decoder.weight', { shape: [d, m], data: decW }],
    ]);
    const { layout, weights: w } = importDictionary('ae.pt', t, { k: m });
    expect(layout).toBe('openai');
    // OpenAI with k = n: latents = relu(encoder(x − pre_bias) + latent_bias); recons = decoder(latents) + pre_bias.
    const lat = mv(
      encW,
      m,
      d,
      x.map((v, j) => v - decBias[j]),
    ).map((v, i) => Math.max(0, v + encB[i]));
    const rec = mv(decW, d, m, lat).map((v, j) => v + decBias[j]);
    expectClose(referenceSae(w, x, 1, d, m, { architecture: 'topk', k: m }).xHat, rec, 1e-6, 'OpenAI reconstruction');
  });

  it('dictionary_learning AutoEncoder: encoder.weight, encoder.bias, decoder.weight [d, m], bias', () => {
    const decW = randn(d * m, r);
    const t = new Map<string, NamedTensor>([
      ['encoder.weight', { shape: [m, d], data: encW }],
      ['encoder.bias', { shape: [m], data: encB }],
      ['decoder.weight', { shape: [d, m], data: decW }],
      ['bias', { shape: [d], data: decBias }],
    ]);
    const { layout, weights: w } = importDictionary('ae.pt', t);
    expect(layout).toBe('dictionary_learning');
    expect(w.architecture).toBe('relu');
    const f = mv(
      encW,
      m,
      d,
      x.map((v, j) => v - decBias[j]),
    ).map((v, i) => Math.max(0, v + encB[i]));
    const rec = mv(decW, d, m, f).map((v, j) => v + decBias[j]);
    expectClose(
      referenceSae(w, x, 1, d, m, { architecture: 'relu' }).xHat,
      rec,
      1e-6,
      'dictionary_learning reconstruction',
    );
  });

  it('SAELens with apply_b_dec_to_input = false folds b_dec·W_enc into b_enc', () => {
    const w0 = weights('relu', 9);
    const t = new Map<string, NamedTensor>([
      ['W_enc', { shape: [d, m], data: w0.wEnc }],
      ['W_dec', { shape: [m, d], data: w0.wDec }],
      ['b_enc', { shape: [m], data: w0.bEnc }],
      ['b_dec', { shape: [d], data: w0.bDec }],
    ]);
    const { weights: w } = importDictionary('sae_weights.safetensors', t, {
      architecture: 'standard',
      apply_b_dec_to_input: false,
    });
    // SAELens: pre = x·W_enc + b_enc (no centring).
    const pre = Float64Array.from({ length: m }, (_, i) => {
      let s = w0.bEnc[i];
      for (let j = 0; j < d; j++) s += x[j] * w0.wEnc[j * m + i];
      return s;
    });
    expectClose(referenceSae(w, x, 1, d, m, { architecture: 'relu' }).pre, pre, 1e-5, 'pre-activations');
  });

  it('names the keys it found when a file is no dictionary', () => {
    expect(() =>
      importDictionary('x.safetensors', new Map([['foo', { shape: [1], data: new Float32Array(1) }]])),
    ).toThrow(/x\.safetensors: not a recognised dictionary \(keys: foo\)/);
  });
});
