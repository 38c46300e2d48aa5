// `probelab encode` on the CPU engine: a reference SAE given as a folder or as its weights file, an input of many
// row blocks, codes and reconstructions read back from the .npy files it streamed, against the library's own
// forward pass (tools/reference/sae_layouts.py); a failure half way leaves no partial file behind.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../src/core/formats/byte-source';
import { openNpy } from '../../src/core/formats/npy';
import { writeNpyF32 } from '../../src/core/formats/npy-writer';
import { readFileSync } from 'node:fs';
import { fixturePath, readNpyF32 } from '../support/fixtures';
import { runCli } from '../support/run-cli';
import { expectClose } from '../support/expect-close';
import { ACTS, expectCaseMatches, layoutReference } from '../support/sae-layout-cases';

const ref = layoutReference();
const tmp = () => mkdtempSync(join(tmpdir(), 'probelab-encode-'));

async function readNpy(path: string): Promise<{ data: Float32Array; shape: number[] }> {
  const e = await openNpy(bytesSource(path, new Uint8Array(readFileSync(path))));
  return { data: await e.readF32(), shape: e.shape };
}

describe('probelab encode', () => {
  it('a dictionary_learning folder: codes and reconstructions in 3 blocks match the library', async () => {
    const dir = tmp();
    const codes = join(dir, 'codes.npy');
    const recon = join(dir, 'recon.npy');
    const { code, out, err } = await runCli([
      'encode',
      '--sae',
      fixturePath('sae-layouts/dl-batchtopk'),
      fixturePath(ACTS),
      '--out',
      codes,
      '--reconstruct',
      recon,
      '--block-rows',
      '5',
      '--engine',
      'cpu',
      '--json',
    ]);
    expect(code, err).toBe(0);
    const r = JSON.parse(out);
    expect(r).toMatchObject({ rows: 12, blocks: 3, sae: { format: 'dictionary_learning', variant: 'BatchTopKSAE' } });
    expect(r.sae.notes.join(' ')).toMatch(/one threshold/);
    const c = await readNpy(codes);
    const x = await readNpy(recon);
    expect([c.shape, x.shape]).toEqual([
      [12, 16],
      [12, 8],
    ]);
    expectCaseMatches('dl-batchtopk', { codes: c.data, recon: x.data });
  });

  it('a weights file finds its cfg.json beside it; many blocks of a tiled input match the tiled reference', async () => {
    const dir = tmp();
    const { data: acts } = await readNpyF32(ACTS);
    const tiles = 40;
    const big = new Float32Array(acts.length * tiles);
    for (let t = 0; t < tiles; t++) big.set(acts, t * acts.length);
    const input = join(dir, 'big.npy');
    writeFileSync(input, writeNpyF32(big, [ref.n * tiles, ref.d_in]));
    const codes = join(dir, 'codes.npy');
    const { code, out, err } = await runCli([
      'encode',
      '--sae',
      fixturePath('sae-layouts/saelens-jumprelu-layer-norm/sae_weights.safetensors'),
      input,
      '--out',
      codes,
      '--block-rows',
      '7',
      '--engine',
      'cpu',
    ]);
    expect(code, err).toBe(0);
    expect(out).toMatch(/480 rows in 69 blocks/);
    expect(err).toMatch(/note: normalize_activations 'layer_norm'/);
    const c = await readNpy(codes);
    expect(c.shape).toEqual([480, 16]);
    const want = ref.cases['saelens-jumprelu-layer-norm'].codes.flat();
    for (let t = 0; t < tiles; t++)
      expectClose(c.data.subarray(t * want.length, (t + 1) * want.length), want, 2e-5, `tile ${t}`);
  });

  it('an input that fails half way leaves no partial codes file', async () => {
    const dir = tmp();
    const { data: acts } = await readNpyF32(ACTS);
    const bad = Float32Array.from(acts);
    bad[10 * ref.d_in + 3] = NaN;
    const input = join(dir, 'bad.npy');
    writeFileSync(input, writeNpyF32(bad, [ref.n, ref.d_in]));
    const codes = join(dir, 'codes.npy');
    const { code, err } = await runCli([
      'encode',
      '--sae',
      fixturePath('sae-layouts/gemma-scope/params.npz'),
      input,
      '--out',
      codes,
      '--block-rows',
      '4',
      '--engine',
      'cpu',
    ]);
    expect(code).toBe(1);
    expect(err).toMatch(/bad\.npy: .*NaN.*row 10/);
    expect(existsSync(codes)).toBe(false);
  });

  it('a refused variant is named with its file and setting', async () => {
    const { code, err } = await runCli([
      'encode',
      '--sae',
      fixturePath('sae-layouts/refused-sparsify-groupmax'),
      fixturePath(ACTS),
      '--out',
      join(tmp(), 'codes.npy'),
      '--engine',
      'cpu',
    ]);
    expect(code).toBe(1);
    expect(err).toMatch(/cfg\.json: activation 'groupmax' is not supported/);
  });

  it('needs --sae, ACTS and --out', async () => {
    const { code, err } = await runCli(['encode', fixturePath(ACTS), '--engine', 'cpu']);
    expect(code).toBe(1);
    expect(err).toMatch(/encode needs --sae PATH, ACTS and --out/);
  });
});
