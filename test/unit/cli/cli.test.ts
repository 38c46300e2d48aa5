// The headless CLI runs the worker's own store and jobs: on the reference split it reproduces scikit-learn.
import { afterEach, expect, test, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { main } from '../../../src/cli/main';
import { fixturePath, referenceJson } from '../../support/fixtures';

afterEach(() => vi.restoreAllMocks());

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(console, 'log').mockImplementation((m: unknown) => { out += `${m}\n`; });
  vi.spyOn(console, 'error').mockImplementation((m: unknown) => { err += `${m}\n`; });
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}

function splitFile(): string {
  const ref = referenceJson().breast_cancer;
  const path = join(mkdtempSync(join(tmpdir(), 'probelab-cli-')), 'split.json');
  writeFileSync(path, JSON.stringify({ train_idx: ref.train_idx, test_idx: ref.test_idx }));
  return path;
}

test('probe --json on breast_cancer with the reference split matches scikit-learn at C=0.01', async () => {
  const bc = fixturePath('breast_cancer.npz');
  const { code, out } = await run(['probe', bc, '--labels', bc, '--key', 'X', '--labels-key', 'y', '--split', splitFile(), '--C', '0.01', '--engine', 'cpu', '--json']);
  expect(code).toBe(0);
  const result = JSON.parse(out);
  const expected = referenceJson().breast_cancer['logreg_C0.01'];
  expect(result.testRows).toBe(142);
  expect(Math.abs(result.test.accuracy - expected.test_acc)).toBeLessThanOrEqual(1e-3);
  expect(Math.abs(result.test.auroc - expected.test_auroc)).toBeLessThanOrEqual(1e-3);
  expect(result.engine.backend).toBe('cpu');
});

test('LDA from the CLI matches scikit-learn on the reference split', async () => {
  const bc = fixturePath('breast_cancer.npz');
  const { code, out } = await run(['probe', bc, '--labels', bc, '--labels-key', 'y', '--split', splitFile(), '--method', 'lda', '--engine', 'cpu', '--json']);
  expect(code).toBe(0);
  const result = JSON.parse(out);
  const expected = referenceJson().breast_cancer.lda;
  expect(Math.abs(result.test.accuracy - expected.test_acc)).toBeLessThanOrEqual(1e-3);
  expect(Math.abs(result.test.auroc - expected.test_auroc)).toBeLessThanOrEqual(1e-3);
});

test('bad usage and bad files exit non-zero with a message naming the problem', async () => {
  expect((await run(['probe', 'x.npy', '--labels', 'y.npy', '--bogus'])).err).toMatch(/unknown flag --bogus/);
  const truncated = await run(['probe', fixturePath('bad_truncated.npy'), '--labels', fixturePath('digits_labels.npy'), '--engine', 'cpu']);
  expect(truncated.code).toBe(1);
  expect(truncated.err).toMatch(/bad_truncated\.npy: truncated.*byte offset 230080/);
});
