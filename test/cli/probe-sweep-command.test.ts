// `probelab probe ACTS… --sweep …` through the CLI: every layer of the inputs × every setting, held-out numbers
// against scikit-learn (reference.json probe_sweep, same split and settings), the JSON and CSV tables written.
import { expect, test } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli } from '../support/run-cli';
import { fixturePath, referenceJson } from '../support/fixtures';

const dir = () => mkdtempSync(join(tmpdir(), 'probelab-sweep-'));

function layersSplit(): string {
  const ref = referenceJson().layers;
  const path = join(dir(), 'split.json');
  writeFileSync(path, JSON.stringify({ train_idx: ref.train_idx, test_idx: ref.test_idx }));
  return path;
}

test('--sweep layer=all × C × method writes a table whose cells match scikit-learn; the best is chosen by CV', async () => {
  const out = dir();
  const csv = join(dir(), 'table.csv');
  const {
    code,
    out: stdout,
    err,
  } = await runCli([
    'probe',
    fixturePath('layers_LND.npy'),
    '--labels',
    fixturePath('layers_labels.npy'),
    '--split',
    layersSplit(),
    '--sweep',
    'layer=all',
    '--sweep',
    'method=logistic,lda',
    '--sweep',
    'C=0.001,0.1,10',
    '--sweep',
    'shrinkage=0.5',
    '--folds',
    '4',
    '--engine',
    'cpu',
    '--out',
    out,
    '--csv',
    csv,
    '--json',
  ]);
  expect(err).toMatch(/cell 24\/24/);
  expect(code).toBe(0);
  const result = JSON.parse(stdout);
  const ref = referenceJson().probe_sweep;
  expect(result.grid.layers).toEqual(['layer[0]', 'layer[1]', 'layer[2]', 'layer[3]', 'layer[4]', 'layer[5]']);
  expect(result.grid.settings).toEqual(['logistic C=0.001', 'logistic C=0.1', 'logistic C=10', 'lda shrinkage=0.5']);
  expect(result.cells).toHaveLength(24);
  const oneTestRow = 1 / result.testRows + 1e-9;
  result.cells.forEach((c: Record<string, number>, i: number) => {
    const e = ref.cells[Math.floor(i / 4)][i % 4];
    expect(Math.abs(c.test_accuracy - e.test_acc)).toBeLessThanOrEqual(oneTestRow);
    expect(Math.abs(c.test_auroc - e.test_auroc)).toBeLessThanOrEqual(1e-3);
    expect(Math.abs(c.train_accuracy - e.train_acc)).toBeLessThanOrEqual(1e-3);
    expect(c.test_accuracy_low).toBeLessThanOrEqual(c.test_accuracy);
    expect(c.test_accuracy_high).toBeGreaterThanOrEqual(c.test_accuracy);
    expect(c.cv_accuracy_sd).toBeGreaterThan(0);
  });
  const best = result.cells.filter((c: { best: boolean }) => c.best);
  expect(best).toHaveLength(1);
  expect(best[0].cv_accuracy_mean).toBe(
    Math.max(...result.cells.map((c: Record<string, number>) => c.cv_accuracy_mean)),
  );
  expect(result.bestProbe.weight).toHaveLength(32);
  expect(JSON.parse(readFileSync(join(out, 'probe_sweep.json'), 'utf8')).cells).toEqual(result.cells);
  const table = readFileSync(csv, 'utf8');
  expect(readFileSync(join(out, 'probe_sweep.csv'), 'utf8')).toBe(table);
  const lines = table.trim().split('\n');
  expect(lines).toHaveLength(25);
  const header = lines[0].split(',');
  expect(header.slice(0, 5)).toEqual(['layer', 'method', 'C', 'shrinkage', 'cv_accuracy_mean']);
  const first = lines[1].split(',');
  expect(first.slice(0, 4)).toEqual(['layer[0]', 'logistic', '0.001', '']);
  expect(Number(first[header.indexOf('test_accuracy')])).toBe(result.cells[0].test_accuracy);
});

test('the layers of several ACTS files are named by file; the default table stars the best cell', async () => {
  const bc = fixturePath('breast_cancer.npz');
  const { code, out } = await runCli([
    'probe',
    fixturePath('layers.safetensors'),
    fixturePath('layers_LND.npy'),
    '--labels',
    fixturePath('layers.safetensors'),
    '--labels-key',
    'labels',
    '--sweep',
    'layer=layers.safetensors:layer_1,layers_LND.npy:layer[4]',
    '--sweep',
    'C=0.1,1',
    '--folds',
    '3',
    '--engine',
    'cpu',
    '--quiet',
  ]);
  expect(code).toBe(0);
  expect(out).toMatch(/held-out accuracy; \* = best by 3-fold CV accuracy/);
  expect(out.match(/\*/g)).toHaveLength(2);
  expect(out).toMatch(/^layers\.safetensors:layer_1 /m);
  expect(out).toMatch(/^layers_LND\.npy:layer\[4\] /m);
  const bad = await runCli(['probe', bc, '--labels', bc, '--labels-key', 'y', '--sweep', 'k=1,2', '--engine', 'cpu']);
  expect(bad.code).not.toBe(0);
  expect(bad.err).toMatch(/a probe sweep grids layer, C, method, shrinkage/);
  const missing = await runCli([
    'probe',
    bc,
    '--labels',
    bc,
    '--labels-key',
    'y',
    '--sweep',
    'layer=3',
    '--engine',
    'cpu',
  ]);
  expect(missing.err).toMatch(/no layer 3; the inputs provide 0: X/);
});
