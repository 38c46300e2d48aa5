// `probelab sae --engine webgpu` trains on the WGSL kernels through Dawn (the headless path a GPU machine uses).
import { expect, test } from 'vitest';
import { fixturePath } from '../support/fixtures';
import { runCli } from '../support/run-cli';

test('sae on WebGPU trains BatchTopK on the WGSL kernels and reports train | held-out metrics', async () => {
  const { code, out } = await runCli([
    'sae',
    fixturePath('planted_acts.npy'),
    '--arch',
    'batchtopk',
    '--d-sae',
    '64',
    '--k',
    '4',
    '--steps',
    '20',
    '--batch',
    '128',
    '--eval-every',
    '10',
    '--engine',
    'webgpu',
    '--json',
  ]);
  expect(code).toBe(0);
  const result = JSON.parse(out);
  expect(result.engine.implementation).toBe('wgsl');
  expect(result.implementation).toBe('wgsl');
  expect(result.steps).toBe(20);
  expect(result.train.fvu).toBeLessThan(1);
  expect(result.test.fvu).toBeLessThan(1);
});
