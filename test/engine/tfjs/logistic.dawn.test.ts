// The same logistic-probe reference cases on tfjs's own WebGPU kernels: the reference the WGSL engine replaces.
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { logisticReferenceTests } from '../../support/logistic-reference';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('tfjs-webgpu')).engine;
});

describe('logistic probe on tfjs-webgpu (Dawn)', () => {
  test('createEngine("tfjs-webgpu") gives the tfjs engine on a real WebGPU adapter', async () => {
    expect(engine.info.backend).toBe('webgpu');
    expect(engine.info.implementation).toBe('tfjs-webgpu');
    const adapter = await navigator.gpu.requestAdapter();
    expect(adapter).not.toBeNull();
    expect(engine.info.adapter).toMatch(/swiftshader|nvidia|amd|intel|apple/i);
  });
  logisticReferenceTests(() => engine);
});
