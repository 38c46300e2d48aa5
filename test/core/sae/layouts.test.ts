// The SAELens 6 export: cfg.json has exactly the fields, with the types, SAELens 6's SAEConfig defines for the
// architecture (test/fixtures/sae-layouts/saelens6-cfg-fields.json, from sae_lens/saes/*.py), the tensors are those
// its strict load_state_dict expects, and the folder re-imports through the SAELens importer and encodes the same.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../src/core/formats/byte-source';
import { openSafetensors } from '../../../src/core/formats/safetensors';
import { writeSafetensors } from '../../../src/core/formats/safetensors-writer';
import { createRng } from '../../../src/core/math/rng';
import { readSae } from '../../../src/core/sae/import/import-sae';
import { isPre6 } from '../../../src/core/sae/import/saelens';
import { exportSaeLens, type SaeLensExport } from '../../../src/core/sae/layouts';
import type { SaeWeights } from '../../../src/core/sae/params';
import { referenceSae } from '../../../src/core/sae/reference';
import { fixturePath } from '../../support/fixtures';
import { expectCaseMatches, readCase, referenceEncode } from '../../support/sae-layout-cases';
import { randn } from '../../support/sae-grad-cases';

const FIELDS = JSON.parse(readFileSync(fixturePath('sae-layouts/saelens6-cfg-fields.json'), 'utf8')) as {
  base: Record<string, string>;
  architectures: Record<string, Record<string, string>>;
  tensors: Record<string, string[]>;
  normalize_activations: string[];
  reshape_activations: string[];
};

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

const reimport = (out: SaeLensExport) =>
  readSae([
    bytesSource('export/sae_weights.safetensors', out.safetensors),
    bytesSource('export/cfg.json', new TextEncoder().encode(out.cfgJson)),
  ]);

function typeOf(v: unknown): string {
  if (Number.isSafeInteger(v)) return 'int';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (v && typeof v === 'object' && !Array.isArray(v)) return 'dict';
  return typeof v;
}

describe('SAELens 6 export', () => {
  for (const arch of ['relu', 'topk', 'batchtopk', 'jumprelu'] as const) {
    it(`${arch}: every SAEConfig field with its type, the strict tensor set, and a re-import that encodes the same`, async () => {
      const w = weights(arch, 11);
      const out = exportSaeLens(w, { steps: 40 });
      const cfg = JSON.parse(out.cfgJson);
      const saeArch = { relu: 'standard', topk: 'topk', batchtopk: 'jumprelu', jumprelu: 'jumprelu' }[arch];
      expect(cfg.architecture).toBe(saeArch);
      const want = { ...FIELDS.base, ...FIELDS.architectures[saeArch] };
      expect(Object.keys(cfg).sort()).toEqual(Object.keys(want).sort());
      for (const [key, type] of Object.entries(want)) expect(typeOf(cfg[key]), key).toBe(type);
      expect(FIELDS.normalize_activations).toContain(cfg.normalize_activations);
      expect(FIELDS.reshape_activations).toContain(cfg.reshape_activations);
      expect(cfg).toMatchObject({ d_in: d, d_sae: m, dtype: 'float32', apply_b_dec_to_input: true });
      if (arch === 'topk') expect([cfg.k, cfg.rescale_acts_by_decoder_norm]).toEqual([3, false]);
      // Read as 6.x (not run through the pre-6 conversion, which would drop the metadata), Probelab's kept.
      expect(isPre6(cfg.metadata.sae_lens_version, 'cfg.json')).toBe(false);
      expect(cfg.metadata).toMatchObject({ exported_by: 'probelab', probelab_architecture: arch, steps: 40 });

      const st = await openSafetensors(bytesSource('sae_weights.safetensors', out.safetensors));
      expect(st.tensors.map((t) => t.key).sort()).toEqual([...FIELDS.tensors[saeArch]].sort());
      const shapes = Object.fromEntries(st.tensors.map((t) => [t.key, t.shape]));
      expect(shapes).toMatchObject({ W_enc: [d, m], W_dec: [m, d], b_enc: [m], b_dec: [d] });
      if (saeArch === 'jumprelu') expect(shapes.threshold).toEqual([m]);

      const back = await reimport(out);
      expect([back.format, back.variant]).toEqual(['saelens', saeArch]);
      for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const) expect(back.weights[key]).toEqual(w[key]);
      if (w.threshold) expect(back.weights.threshold).toEqual(w.threshold);
      const x = randn(4 * d, createRng(3));
      const encode = (v: SaeWeights) =>
        referenceSae(v, x, 4, d, m, {
          architecture: v.architecture,
          k: v.k ?? undefined,
          logThreshold: v.threshold && Float64Array.from(v.threshold, Math.log),
        }).f;
      expect(encode(back.weights)).toEqual(encode(w));
    });
  }

  it('an imported SAE with a per-row input normalisation exports it and still encodes as the original library', async () => {
    for (const name of ['saelens-jumprelu-layer-norm', 'openai-topk', 'dl-autoencoder-new']) {
      const original = await readCase(name);
      const out = exportSaeLens(original.weights);
      expect(JSON.parse(out.cfgJson).normalize_activations).toBe(original.weights.inputNorm ?? 'none');
      expectCaseMatches(name, await referenceEncode((await reimport(out)).weights));
    }
  });

  it('refuses a TopK without an integer k and a thresholded SAE without its threshold', () => {
    expect(() => exportSaeLens({ ...weights('topk', 1), k: null })).toThrow(/topk needs an integer k/);
    expect(() => exportSaeLens({ ...weights('jumprelu', 1), threshold: undefined })).toThrow(/needs a threshold/);
  });

  it('writes a header whose length is a multiple of 8, as the reference writer does', () => {
    const bytes = writeSafetensors([{ name: 'a', shape: [3], data: new Float32Array([1, 2, 3]) }], { k: 'v' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd()).toBe(
      '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}',
    );
  });
});
