// `probelab sae --sweep`: a 2 × 2 grid in one job writes a SAELens folder per member (byte-identical to the single
// run's on the CPU engine), sweep.json and frontier.csv; a grid over the memory budget is refused by name.
import { expect, test } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli } from '../support/run-cli';
import { fixturePath } from '../support/fixtures';
import { paretoFrontier } from '../../src/core/sweep/frontier';

const common = ['--steps', '24', '--batch', '64', '--eval-every', '8', '--seed', '2', '--engine', 'cpu'];

test('a 4-member sweep writes SAELens folders equal to the single runs, sweep.json and frontier.csv', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'probelab-cli-sweep-'));
  const out = join(dir, 'sweep');
  const acts = fixturePath('planted_acts.npy');
  const r = await runCli([
    'sae',
    acts,
    '--sweep',
    'k=2,4',
    '--sweep',
    'd-sae=32,64',
    ...common,
    '--out',
    out,
    '--json',
  ]);
  expect(r.code, r.err).toBe(0);
  expect(r.err).toMatch(/sweeping 4 SAEs/);
  expect(r.err).toMatch(/\[k=4 d-sae=64\] step 24\/24 {2}fvu held-out/);
  const result = JSON.parse(r.out);
  expect(result.members.map((m: { label: string }) => m.label)).toEqual([
    'k=2 d-sae=32',
    'k=2 d-sae=64',
    'k=4 d-sae=32',
    'k=4 d-sae=64',
  ]);
  // One stream (one seed): each of the 24 batches drawn once for all four members.
  expect(result.batches).toBe(24);
  expect(readdirSync(out).sort()).toEqual([
    'frontier.csv',
    'k-2_d-sae-32',
    'k-2_d-sae-64',
    'k-4_d-sae-32',
    'k-4_d-sae-64',
    'sweep.json',
  ]);
  const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
  expect(sweep.sweep.axes).toEqual([
    { name: 'k', values: [2, 4] },
    { name: 'd-sae', values: [32, 64] },
  ]);
  for (const m of sweep.members) {
    expect(m.seed).toBe(2);
    expect(m.steps).toBe(24);
    expect(m.test.fvu).toBeGreaterThan(0);
    expect(m.test.fvu).toBeLessThan(1);
    expect(m.test.l0).toBeLessThanOrEqual(m.point.k);
    expect(m.train.fvu).toBeGreaterThan(0);
  }
  // The frontier recomputed from sweep.json's held-out metrics is the one marked in the CSV.
  const csv = readFileSync(join(out, 'frontier.csv'), 'utf8').trim().split('\n');
  expect(csv[0]).toBe('id,label,test_l0,test_fvu,dead_fraction,on_frontier');
  const marked = csv
    .slice(1)
    .map((l) => l.split(','))
    .filter((c) => c[5] === '1')
    .map((c) => Number(c[0]));
  const want = paretoFrontier(
    sweep.members.map((m: { id: number; test: { l0: number; fvu: number } }) => ({ id: m.id, ...m.test })),
  );
  expect(marked).toEqual(want);
  expect(want.length).toBeGreaterThan(0);

  // The k = 4, d_sae = 64 member is its single run, byte for byte, on the CPU engine.
  const single = join(dir, 'single');
  const s = await runCli(['sae', acts, '--k', '4', '--d-sae', '64', ...common, '--out', single, '--quiet']);
  expect(s.code, s.err).toBe(0);
  const member = join(out, 'k-4_d-sae-64');
  expect(
    readFileSync(join(member, 'sae_weights.safetensors')).equals(readFileSync(join(single, 'sae_weights.safetensors'))),
  ).toBe(true);
  const cfg = (p: string) => JSON.parse(readFileSync(join(p, 'cfg.json'), 'utf8'));
  const { sweep_point, ...rest } = cfg(member).metadata;
  expect(sweep_point).toBe('k=4 d-sae=64');
  expect({ ...cfg(member), metadata: rest }).toEqual(cfg(single));
}, 120_000);

test('a sweep over the memory budget is refused before training, naming the largest grid that fits', async () => {
  const r = await runCli([
    'sae',
    fixturePath('planted_acts.npy'),
    '--sweep',
    'd-sae=32,64,4096',
    ...common,
    '--memory-budget',
    '0.001',
  ]);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(
    /sweep refused: its 3 members need .*the largest grid that fits is --sweep d-sae=32,64 \(2 members\)/,
  );
  expect(r.err).not.toMatch(/sweeping/);
});

test('a bad axis is named', async () => {
  const r = await runCli(['sae', 'x.npy', '--sweep', 'width=1,2', '--engine', 'cpu']);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/--sweep width: not a sweepable setting \(arch, k, sparsity, d-sae, lr, seed\)/);
});
