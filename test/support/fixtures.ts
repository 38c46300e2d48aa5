// The project's own test data: files written by numpy, PyTorch, h5py and safetensors under test/fixtures/
// (copied or cut to row subsets by tools/reference/make_fixtures.py), and scikit-learn's numbers on them in
// tools/reference/reference.json (computed by tools/reference/sklearn_reference.py). Node tests only.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { bytesSource } from '../../src/core/formats/byte-source';
import { openNpy } from '../../src/core/formats/npy';

export const FIXTURES = resolve(fileURLToPath(new URL('../fixtures', import.meta.url)));
const REFERENCE = resolve(fileURLToPath(new URL('../../tools/reference/reference.json', import.meta.url)));

export function fixturePath(name: string): string {
  return resolve(FIXTURES, name);
}

export function fixtureBytes(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(fixturePath(name)));
}

let reference: Record<string, any> | undefined;
export function referenceJson(): Record<string, any> {
  reference ??= JSON.parse(readFileSync(REFERENCE, 'utf8'));
  return reference!;
}

export async function readNpyF32(name: string): Promise<{ data: Float32Array; shape: number[] }> {
  const entry = await openNpy(bytesSource(name, fixtureBytes(name)));
  return { data: await entry.readF32(), shape: entry.shape };
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}
