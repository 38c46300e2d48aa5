// Logistic probes on the tfjs CPU backend (the fallback when a browser has no WebGPU).
import { beforeAll, describe, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { logisticReferenceTests } from '../../support/logistic-reference';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('cpu')).engine;
});

describe('logistic probe on the CPU backend', () => {
  test('runs on tfjs CPU and says why', () => {
    expect(engine.info.backend).toBe('cpu');
    expect(engine.info.fallbackReason).toMatch(/CPU/);
  });
  logisticReferenceTests(() => engine);
});
