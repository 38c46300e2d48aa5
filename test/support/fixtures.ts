// Paths to the shared fixtures (written by numpy, PyTorch, h5py, safetensors; references by scikit-learn)
// and small readers for Node tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { bytesSource } from '../../src/core/formats/byte-source';
import { openNpy } from '../../src/core/formats/npy';

export const FIXTURES = resolve(fileURLToPath(new URL('../../../shared/fixtures', import.meta.url)));

export function fixturePath(name: string): string {
  return resolve(FIXTURES, name);
}

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(name)));
}

let reference: Record<string, any> | undefined;
export function referenceJson(): Record<string, any> {
  reference ??= JSON.parse(readFileSync(fixturePath('reference.json'), 'utf8'));
  return reference!;
}

export async function readNpyF32(name: string): Promise<{ data: Float32Array; shape: number[] }> {
  const entry = await openNpy(bytesSource(name, fixtureBytes(name)));
  return { data: await entry.readF32(), shape: entry.shape };
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  return dot / Math.sqrt(na * nb);
}
