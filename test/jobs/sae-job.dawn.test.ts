// The SAE train job on the WGSL engine (Dawn): BatchTopK trains and infers on the WGSL kernels, and AuxK engages
// once latents die within the default window, as on the CPU backend (a smaller set: SwiftShader is slow).
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type StartedEngine } from '../../src/engine/create-engine';
import { auxKEngagesCase, sparseFeatureRows, trainOn } from '../support/sae-data';
import { DEFAULT_SAE_CONFIG } from '../../src/core/sae/config';

let started: StartedEngine;
beforeAll(async () => {
  started = await createEngine('webgpu');
});

describe('SAE job conventions on the WGSL engine', () => {
  it('trains and infers BatchTopK on the WGSL kernels', async () => {
    const x = sparseFeatureRows(2000, 8, 16, 2, 21);
    const { result } = await trainOn(started.engine, x, 2000, 8, {
      ...DEFAULT_SAE_CONFIG,
      architecture: 'batchtopk',
      dSae: 16,
      k: 2,
      batchSize: 64,
      steps: 6,
      evalEvery: 3,
    });
    expect(result.implementation).toBe('wgsl');
    expect(result.weights.threshold![0]).toBeGreaterThan(0);
  });
  auxKEngagesCase(() => started.engine, 4000, 32, 16);
});
