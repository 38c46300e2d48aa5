// The reference SAEs of tools/reference/sae_layouts.py (test/fixtures/sae-layouts/<case>/, each in its library's
// own on-disk layout) and the codes and reconstructions that library's forward pass gives on acts.npy
// (tools/reference/sae_layouts.json). Shared by the CPU and WebGPU tests of the importer and the encode job.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { bytesSource, type ByteSource } from '../../src/core/formats/byte-source';
import type { Engine } from '../../src/core/engine/engine';
import { readSae } from '../../src/core/sae/import/import-sae';
import type { ImportedSae } from '../../src/core/sae/import/sae-source';
import { DatasetStore } from '../../src/jobs/dataset-store';
import { runSaeEncodeJob } from '../../src/jobs/sae-encode-job';
import { denormalizeRows, normalizeRows } from '../../src/core/sae/input-norm';
import type { SaeWeights } from '../../src/core/sae/params';
import { referenceSae } from '../../src/core/sae/reference';
import { expectClose } from './expect-close';
import { fixtureBytes, fixturePath, readNpyF32 } from './fixtures';

export interface LayoutCase {
  files: string[];
  l0: number;
  codes: number[][];
  recon: number[][];
}

export interface LayoutReference {
  n: number;
  d_in: number;
  d_sae: number;
  cases: Record<string, LayoutCase>;
  refused: string[];
}

let cached: LayoutReference | undefined;
export function layoutReference(): LayoutReference {
  cached ??= JSON.parse(
    readFileSync(resolve(fileURLToPath(new URL('../../tools/reference/sae_layouts.json', import.meta.url))), 'utf8'),
  );
  return cached!;
}

/** Every file of a case folder, named '<case>/<file>' as a user's pick would name them. */
export function caseSources(name: string): ByteSource[] {
  return readdirSync(fixturePath(`sae-layouts/${name}`)).map((f) =>
    bytesSource(`${name}/${f}`, fixtureBytes(`sae-layouts/${name}/${f}`)),
  );
}

export const readCase = (name: string): Promise<ImportedSae> => readSae(caseSources(name));

export const ACTS = 'sae-layouts/acts.npy';

/** Codes and reconstructions of acts.npy through the encode job on `engine`, collected from its sink. */
export async function encodeCase(
  engine: Engine,
  sae: ImportedSae,
  rowsPerBlock?: number,
): Promise<{ codes: Float32Array; recon: Float32Array; blocks: number; meanL0: number }> {
  const store = new DatasetStore();
  await store.open('acts', bytesSource('acts.npy', fixtureBytes(ACTS)));
  const codes: Float32Array[] = [];
  const recon: Float32Array[] = [];
  const r = await runSaeEncodeJob(
    engine,
    store,
    { fileId: 'acts', key: '' },
    sae.weights,
    {
      begin: async () => {},
      codes: async (b) => void codes.push(Float32Array.from(b)),
      reconstructions: async (b) => void recon.push(Float32Array.from(b)),
    },
    { rowsPerBlock },
  );
  const join = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  return { codes: join(codes), recon: join(recon), blocks: r.blocks, meanL0: r.meanL0 };
}

/** acts.npy through the f64 reference forward pass (src/core/sae/reference.ts), the row normalisation around it. */
export async function referenceEncode(w: SaeWeights): Promise<{ codes: Float64Array; recon: Float32Array }> {
  const { data: x, shape } = await readNpyF32(ACTS);
  const [n, d] = shape;
  const norm = w.inputNorm ? normalizeRows(x, n, d, w.inputNorm) : undefined;
  const r = referenceSae(w, norm?.x ?? x, n, d, w.dSae, {
    architecture: w.architecture,
    k: w.k ?? undefined,
    logThreshold: w.threshold && Float64Array.from(w.threshold, Math.log),
  });
  const recon = Float32Array.from(r.xHat);
  if (norm) denormalizeRows(recon, n, d, norm.stats);
  return { codes: r.f, recon };
}

/** f32 engine against the f64 library reference: 2e-5 of the largest magnitude. */
export function expectCaseMatches(name: string, got: { codes: ArrayLike<number>; recon: ArrayLike<number> }): void {
  const want = layoutReference().cases[name];
  expectClose(got.codes, want.codes.flat(), 2e-5, `${name} codes`);
  expectClose(got.recon, want.recon.flat(), 2e-5, `${name} reconstructions`);
}
