// `probelab sae --engine webgpu` trains on the WGSL kernels through Dawn (the headless path a GPU machine uses).
import { expect, test, vi } from 'vitest';
import { main } from '../../../src/cli/main';
import { fixturePath } from '../../support/fixtures';

test('sae on WebGPU trains BatchTopK on the WGSL kernels and reports train | held-out metrics', async () => {
  let out = '';
  vi.spyOn(console, 'log').mockImplementation((m: unknown) => { out += `${m}\n`; });
  vi.spyOn(console, 'error').mockImplementation(() => {});
  const code = await main(['sae', fixturePath('planted_acts.npy'), '--arch', 'batchtopk', '--d-sae', '64', '--k', '4',
    '--steps', '20', '--batch', '128', '--eval-every', '10', '--engine', 'webgpu', '--json']);
  vi.restoreAllMocks();
  expect(code).toBe(0);
  const result = JSON.parse(out);
  expect(result.engine.implementation).toBe('wgsl');
  expect(result.implementation).toBe('wgsl');
  expect(result.steps).toBe(20);
  expect(result.train.fvu).toBeLessThan(1);
  expect(result.test.fvu).toBeLessThan(1);
});
