// The encode job on real WebGPU (Dawn): the engine the app and `probelab encode --engine webgpu` use gives every
// reference SAE's codes and reconstructions as the library that wrote it does (tools/reference/sae_layouts.py).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/core/engine/engine';
import { createEngine } from '../../src/engine/create-engine';
import { encodeCase, expectCaseMatches, layoutReference, readCase } from '../support/sae-layout-cases';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('webgpu')).engine;
});

describe('encode job, WebGPU', () => {
  it('runs on WebGPU', () => {
    expect(engine.info.backend).toBe('webgpu');
  });
  for (const name of Object.keys(layoutReference().cases)) {
    it(`${name}: codes and reconstructions match the library`, async () => {
      expectCaseMatches(name, await encodeCase(engine, await readCase(name), 5));
    });
  }
});
