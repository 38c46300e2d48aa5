// `probelab scale-out` turns a `probelab sae --out` folder into a library config, a launcher and a README.
import { expect, test } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli } from '../support/run-cli';
import { DEFAULT_SAE_CONFIG } from '../../src/core/sae/config';
import { writeSafetensors } from '../../src/core/formats/safetensors-writer';
import { activationsMetadata } from '../../src/cli/sae-command';

function saeDir(config: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'probelab-scale-'));
  const cfg = { architecture: 'topk', d_in: 16, d_sae: 64, metadata: { model_name: 'gpt2', context_size: 128 } };
  writeFileSync(join(dir, 'cfg.json'), JSON.stringify(cfg));
  writeFileSync(
    join(dir, 'probelab_summary.json'),
    JSON.stringify({ config: { ...DEFAULT_SAE_CONFIG, dSae: 64, k: 8, ...config }, test: { mse: 0.5 } }),
  );
  return dir;
}

test('scale-out --to saelens writes the runner config, the script and the README; placeholders from metadata', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'probelab-scale-out-')), 'saelens');
  const { code, out: stdout } = await runCli(['scale-out', saeDir({}), '--to', 'saelens', '--out', out, '--json']);
  expect(code).toBe(0);
  const r = JSON.parse(stdout);
  expect(r.missingPlaceholders).toEqual(['hookName', 'dataset', 'totalTokens']);
  const cfg = JSON.parse(readFileSync(join(out, 'saelens_runner_cfg.json'), 'utf8'));
  expect(cfg.sae).toMatchObject({ d_in: 16, d_sae: 64, k: 8, aux_loss_coefficient: 1 / 32 / 0.5 });
  expect(readFileSync(join(out, 'train_saelens.py'), 'utf8')).toContain('MODEL_NAME = "gpt2"');
  expect(existsSync(join(out, 'README.md'))).toBe(true);
});

test('scale-out refuses what the library cannot train and names the missing file', async () => {
  const out = mkdtempSync(join(tmpdir(), 'probelab-scale-out-'));
  const relu = await runCli(['scale-out', saeDir({ architecture: 'relu' }), '--to', 'sparsify', '--out', out]);
  expect(relu.code).toBe(1);
  expect(relu.err).toMatch(/no sparsify equivalent/);
  const missing = await runCli(['scale-out', out, '--to', 'saelens', '--out', out]);
  expect(missing.code).toBe(1);
  expect(missing.err).toMatch(/cfg\.json: cannot be read/);
  const badTo = await runCli(['scale-out', out, '--to', 'torch', '--out', out]);
  expect(badTo.err).toMatch(/--to must be saelens or sparsify/);
});

test('probelab sae keeps where safetensors activations came from, under SAELens metadata names', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'probelab-meta-')), 'acts.safetensors');
  const tensors = [{ name: 'acts', shape: [2, 2], data: new Float32Array(4) }];
  writeFileSync(
    path,
    writeSafetensors(tensors, { model_name: 'gpt2', hook_name: 'blocks.8.hook_resid_pre', ctx_len: '128', note: 'x' }),
  );
  expect(await activationsMetadata(path)).toEqual({
    model_name: 'gpt2',
    hook_name: 'blocks.8.hook_resid_pre',
    context_size: 128,
  });
  expect(await activationsMetadata(path.replace('.safetensors', '.npy'))).toEqual({});
});
