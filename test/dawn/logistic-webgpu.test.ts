// Logistic probes on real WebGPU: Dawn (Chrome's implementation) over SwiftShader, in Node.
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../src/engine/create-engine';
import type { Engine } from '../../src/engine/engine';
import { logisticReferenceTests } from '../support/logistic-reference';

let engine: Engine;
beforeAll(async () => { engine = (await createEngine('webgpu')).engine; });

describe('logistic probe on WebGPU (Dawn)', () => {
  test('the engine really runs on a WebGPU adapter', async () => {
    expect(engine.info.backend).toBe('webgpu');
    expect(engine.info.implementation).toBe('tfjs-webgpu');
    const adapter = await navigator.gpu.requestAdapter();
    expect(adapter).not.toBeNull();
    expect(engine.info.adapter).toMatch(/swiftshader|nvidia|amd|intel|apple/i);
  });
  logisticReferenceTests(() => engine);
});
