#!/usr/bin/env node
// Entry of `npx probelab`: runs the CLI bundle that `npm run build` (and `npm install`, via prepare) writes.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist-cli/main.js', import.meta.url));
if (!existsSync(bundle)) {
  console.error('probelab: the CLI is not built yet; run `npm run build` in the Probelab checkout first');
  process.exitCode = 2;
} else {
  const { main } = await import(bundle);
  // No process.exit here: it would cut off stdout still draining into a pipe. main() has already waited for its
  // output to be flushed and released the GPU device, so the process ends on its own with this code.
  process.exitCode = await main(process.argv.slice(2));
  // A GPU driver can hold the event loop open after its device is gone; the output is already out by now.
  setTimeout(() => process.exit(), 2000).unref();
}
