// The built page's own script stays small: the GPU engine (tfjs) and the HDF5 reader (h5wasm) load only in the
// worker, so opening the page does not parse megabytes of engine code on the main thread.
import { expect, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = resolve(fileURLToPath(new URL('../../dist', import.meta.url)));

test('the page entry script has no tfjs and is under 512 KiB; the worker carries the engine', () => {
  const html = readFileSync(resolve(DIST, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(entry, 'entry script in dist/index.html').toBeDefined();
  const main = readFileSync(resolve(DIST, entry!), 'utf8');
  // Strings only tfjs-core and h5wasm's glue contain.
  expect(main).not.toMatch(/tfjsflags|WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE|H5Fopen/);
  expect(main.length).toBeLessThan(512 * 1024);
  const worker = readdirSync(resolve(DIST, 'assets')).find((f) => f.startsWith('train.worker'));
  expect(worker, 'worker chunk').toBeDefined();
  expect(readFileSync(resolve(DIST, 'assets', worker!), 'utf8')).toMatch(/WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE/);
});
