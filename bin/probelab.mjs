#!/usr/bin/env node
// Entry of `npx probelab`: runs the CLI bundle that `npm run build` (and `npm install`, via prepare) writes.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist-cli/main.js', import.meta.url));
if (!existsSync(bundle)) {
  console.error('probelab: the CLI is not built yet; run `npm run build` in the Probelab checkout first');
  process.exit(2);
}
const { main } = await import(bundle);
process.exit(await main(process.argv.slice(2)));
