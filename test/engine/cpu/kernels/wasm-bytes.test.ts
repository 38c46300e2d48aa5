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
  const bytes: Uint8Array = await assembleKernels();
  expect(bytes.length).toBeGreaterThan(1000);
  expect(committed).toBe(kernelsModuleText(bytes));
});
