// `npm run fuzz`: long seeded fuzz campaigns over every format (10,000 cases each by default), printed as one JSON
// document: per format the outcome classes, the most frequent refusals, the slowest case and peak memory.
//   npm run -s fuzz -- --cases 10000 --seed 1 --format npy,hdf5
// Exits 1 when any case crashed (its campaign seed and case number are in `failures`, to reproduce it).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import h5wasm from 'h5wasm';
import { campaigns, runCampaign, runPickleCampaign, type CampaignReport } from './fuzz';

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const cases = Number(flag('cases') ?? 10_000);
const seed = Number(flag('seed') ?? 1);
const only = flag('format')?.split(',');
const fixtures = resolve(process.cwd(), 'test/fixtures');

/** A small chunked, gzip-compressed HDF5 file written by h5wasm (libhdf5), as a second HDF5 seed. */
async function hdf5Seed(): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const f = new h5wasm.File('/fuzz-seed.h5', 'w');
  f.create_group('g').create_dataset({
    name: 'x',
    data: new Float32Array(12).map((_, i) => i),
    shape: [3, 4],
    chunks: [1, 4],
    compression: 'gzip',
  });
  f.create_dataset({ name: 'y', data: new Int32Array([1, 2, 3]) });
  f.close();
  const bytes = FS!.readFile('/fuzz-seed.h5') as Uint8Array;
  FS!.unlink('/fuzz-seed.h5');
  return bytes;
}

const started = performance.now();
const reports: CampaignReport[] = [];
const all = campaigns((name) => new Uint8Array(readFileSync(resolve(fixtures, name))), await hdf5Seed());
for (const [i, c] of all.entries()) {
  if (only && !only.includes(c.format)) continue;
  process.stderr.write(`fuzz: ${c.format} (${cases} cases)\n`);
  reports.push(await runCampaign(c, cases, seed * 1000 + i));
}
if (!only || only.includes('pickle')) {
  process.stderr.write(`fuzz: pickle (${cases} cases)\n`);
  reports.push(runPickleCampaign(cases, seed * 1000 + 99));
}
const crashed = reports.reduce((a, r) => a + r.crashed, 0);
const slowest = reports.reduce((a, r) => (r.slowest.ms > a.slowest.ms ? r : a), reports[0]);
const summary = {
  date: new Date().toISOString(),
  node: process.version,
  casesPerFormat: cases,
  seed,
  totalCases: reports.reduce((a, r) => a + r.cases, 0),
  crashed,
  slowestCase: slowest ? { format: slowest.format, ...slowest.slowest } : null,
  peakRssMiB: Math.max(...reports.map((r) => r.peakRssMiB)),
  seconds: Math.round((performance.now() - started) / 100) / 10,
  formats: reports,
};
process.stdout.write(`${JSON.stringify(summary, null, 1)}\n`);
process.exitCode = crashed ? 1 : 0;
