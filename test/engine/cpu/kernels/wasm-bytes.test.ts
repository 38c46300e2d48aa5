// The committed WebAssembly bytes are what tools/build-kernels.mjs assembles from kernels.wat today.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
// @ts-expect-error a plain .mjs build script without type declarations
import { assembleKernels, kernelsModuleText } from '../../../../tools/build-kernels.mjs';

it('kernels-wasm.ts holds the assembled kernels.wat (run node tools/build-kernels.mjs after editing it)', async () => {
  const committed = readFileSync(
    new URL('../../../../src/engine/cpu/kernels/kernels-wasm.ts', import.meta.url),
    'utf8',
  );
  const bytes: Record<'base' | 'fma' | 'baseShared' | 'fmaShared', Uint8Array> = await assembleKernels();
  expect(bytes.base.length).toBeGreaterThan(1000);
  expect(bytes.fma.length).toBeGreaterThan(1000);
  // The variants differ only in the GEMMs' multiply-adds, 8 in each of the two f32 GEMMs and 8 in the f64 one
  // (fNxM.add + fNxM.mul → one relaxed_madd: 3 bytes each).
  expect(bytes.base.length - bytes.fma.length).toBe((8 + 8 + 8) * 3);
  // The shared builds differ from their own-memory twins only in where the memory comes from.
  expect(bytes.baseShared.length - bytes.fmaShared.length).toBe((8 + 8 + 8) * 3);
  expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes.baseShared as Uint8Array<ArrayBuffer>))).toEqual([
    { module: 'env', name: 'memory', kind: 'memory' },
  ]);
  expect(committed).toBe(kernelsModuleText(bytes));
});
