// `probelab probe --export-sklearn`: the script it writes today is the one tools/reference/sklearn_export_check.py
// ran with Debian's scikit-learn (same hash outside the block naming the files), and Probelab's held-out
// accuracy is within 0.01 of what that script printed.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from '../support/run-cli';
import { withoutFilesBlock } from '../../src/core/probes/sklearn-export';

interface Case {
  args: string[];
  sha256_without_run_block: string;
  printed: { test_accuracy: number; train_rows: number; test_rows: number };
}
const root = resolve(__dirname, '../..');
const recorded = JSON.parse(readFileSync(join(root, 'tools/reference/sklearn_export.json'), 'utf8')) as {
  cases: Record<string, Case>;
};

for (const [name, c] of Object.entries(recorded.cases)) {
  test(`${name}: the exported scikit-learn script is the one that was run, and reproduces the held-out accuracy`, async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'probelab-sklearn-')), `${name}.py`);
    const args = c.args.map((a) => (a.startsWith('test/') ? join(root, a) : a));
    const { code, out, err } = await runCli([
      'probe',
      ...args,
      '--engine',
      'cpu',
      '--export-sklearn',
      script,
      '--json',
    ]);
    expect(code, err).toBe(0);
    const result = JSON.parse(out);
    const text = readFileSync(script, 'utf8');
    expect(createHash('sha256').update(withoutFilesBlock(text)).digest('hex')).toBe(c.sha256_without_run_block);
    expect(result.testRows).toBe(c.printed.test_rows);
    expect(result.trainRows).toBe(c.printed.train_rows);
    expect(Math.abs(result.test.accuracy - c.printed.test_accuracy)).toBeLessThanOrEqual(0.01);
    // The files block points at the same files, relative to wherever the script was written.
    expect(text).toContain(`${basename(c.args[0])}", "`);
  });
}

test('--export-sklearn refuses other methods and formats the script cannot read without unpickling', async () => {
  const bc = join(root, 'test/fixtures/breast_cancer.npz');
  const lda = await runCli([
    'probe',
    bc,
    '--labels',
    bc,
    '--key',
    'X',
    '--labels-key',
    'y',
    '--method',
    'lda',
    '--export-sklearn',
    '/tmp/x.py',
  ]);
  expect(lda.err).toMatch(/applies to --method logistic/);
  const pt = join(root, 'test/fixtures/digits_dict.pt');
  const r = await runCli(['probe', pt, '--labels', bc, '--export-sklearn', '/tmp/x.py']);
  expect(r.err).toMatch(/reads \.npy \.npz \.safetensors/);
});
