// The logistic-probe reference cases (scikit-learn) on the raw-WGSL engine: Dawn over SwiftShader, in Node.
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { logisticReferenceTests } from '../../support/logistic-reference';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('webgpu')).engine;
});

describe('logistic probe on the WGSL engine (Dawn)', () => {
  test('createEngine("webgpu") gives the WGSL engine on a real WebGPU adapter', async () => {
    expect(engine.info.backend).toBe('webgpu');
    expect(engine.info.implementation).toBe('wgsl');
    const adapter = await navigator.gpu.requestAdapter();
    expect(adapter).not.toBeNull();
    expect(adapter!.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(engine.info.adapter).toMatch(/swiftshader|nvidia|amd|intel|apple/i);
  });
  logisticReferenceTests(() => engine);
});
