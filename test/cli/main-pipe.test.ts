// The built CLI as a shell runs it: a JSON result over 1 MB arrives whole through a pipe (the process must not
// exit while stdout is still draining), and nothing but the result reaches stdout.
import { expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writeNpyF32 } from '../../src/core/formats/npy-writer';
import { createRng } from '../../src/core/math/rng';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/probelab.mjs');

/** 90 rows × 10,000 features, three classes: the probe's weights alone make the JSON well over 1 MB. */
function wideInputs(): { acts: string; labels: string } {
  const dir = mkdtempSync(join(tmpdir(), 'probelab-pipe-'));
  const rows = 90,
    cols = 10_000;
  const rng = createRng(11);
  const x = Float32Array.from({ length: rows * cols }, () => rng() - 0.5);
  const y = Float32Array.from({ length: rows }, (_, i) => i % 3);
  const acts = join(dir, 'wide.npy');
  const labels = join(dir, 'wide_labels.npy');
  writeFileSync(acts, writeNpyF32(x, [rows, cols]));
  writeFileSync(labels, writeNpyF32(y, [rows]));
  return { acts, labels };
}

test('probe --json through a pipe delivers every byte of a result over 1 MB, and only the result', () => {
  expect(existsSync(join(ROOT, 'dist-cli/main.js')), 'the CLI bundle is built by `npm run build` (npm test does)').toBe(
    true,
  );
  const { acts, labels } = wideInputs();
  const command = `node ${JSON.stringify(BIN)} probe ${JSON.stringify(acts)} --labels ${JSON.stringify(labels)} --engine cpu --max-iter 20 --json`;
  const file = join(mkdtempSync(join(tmpdir(), 'probelab-pipe-out-')), 'result.json');
  execFileSync('sh', ['-c', `${command} > ${JSON.stringify(file)} 2>/dev/null`]);
  const fileBytes = statSync(file).size;
  expect(fileBytes).toBeGreaterThan(1 << 20);
  // A slow reader too: the writer must wait for the pipe, not exit with data still queued.
  const piped = execFileSync('sh', ['-c', `${command} 2>/dev/null | (sleep 1; wc -c)`], { encoding: 'utf8' });
  expect(Number(piped.trim())).toBe(fileBytes);
  const result = JSON.parse(readFileSync(file, 'utf8'));
  expect(result.probe.weight).toHaveLength(30_000);
  const stderr = execFileSync('sh', ['-c', `${command} 2>&1 >/dev/null`], { encoding: 'utf8' });
  expect(stderr).not.toMatch(/TensorFlow\.js in Node/);
}, 120_000);

test('--version through a pipe', () => {
  const out = execFileSync('sh', ['-c', `node ${JSON.stringify(BIN)} --version | cat`], { encoding: 'utf8' });
  expect(out).toBe(`probelab ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
});
