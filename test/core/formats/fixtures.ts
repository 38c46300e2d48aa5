// Fixture access for the format tests, with reference decoders written independently of the code under test
// (a few lines each, only for the plain little-endian fixtures) so values are never checked against themselves.

import { fixtureBytes, fixturePath, referenceJson } from '../../support/fixtures';

export { FIXTURES, fixtureBytes, fixturePath } from '../../support/fixtures';

export const reference: any = referenceJson();

/** Values of a version-1, little-endian, C-order .npy written by numpy, decoded directly from its bytes. */
function rawNpyBody(name: string): { bytes: Uint8Array; header: string } {
  const bytes = fixtureBytes(name);
  const headerLen = bytes[8] | (bytes[9] << 8);
  const header = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + headerLen));
  return { bytes: bytes.slice(10 + headerLen), header };
}

export function rawF32(name: string): Float32Array {
  const { bytes, header } = rawNpyBody(name);
  if (!header.includes("'<f4'") || !header.includes('False'))
    throw new Error(`${name} is not little-endian C-order f32`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

export function rawI64(name: string): number[] {
  const { bytes, header } = rawNpyBody(name);
  if (!header.includes("'<i8'")) throw new Error(`${name} is not little-endian i64`);
  return Array.from(new BigInt64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8), Number);
}

export function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

const handles: { close(): Promise<void> }[] = [];

/** Opens a fixture through the Node file source (read by slices, like a File in the browser). */
export async function openFixture(name: string) {
  const { nodeFileSource } = await import('../../../src/core/formats/node-source');
  const { openDataFile } = await import('../../../src/core/formats/open-file');
  const src = await nodeFileSource(fixturePath(name));
  handles.push(src);
  return openDataFile(src);
}

/** Closes the file handles openFixture opened (call in afterAll). */
export async function closeFixtures(): Promise<void> {
  await Promise.all(handles.splice(0).map((h) => h.close()));
}

/** Index of the first differing value (-1 when equal); much faster than toEqual on large typed arrays. */
export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
