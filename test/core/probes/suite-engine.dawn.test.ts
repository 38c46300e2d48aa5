// The probe-suite reference cases on real WebGPU: Dawn over SwiftShader, in Node (small shapes: it is slow).
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { layerSweepTests, ldaEngineTests, probeSweepTests } from './suite-reference';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('webgpu')).engine;
});

describe('probe suite on WebGPU (Dawn)', () => {
  test('the engine really runs on a WebGPU adapter', () => {
    expect(engine.info.backend).toBe('webgpu');
  });
  ldaEngineTests(() => engine);
  layerSweepTests(() => engine);
  // Two layers × (one C, LDA): ten logistic fits on SwiftShader.
  probeSweepTests(() => engine, { layers: [2, 5], settings: [1, 3] });
});
