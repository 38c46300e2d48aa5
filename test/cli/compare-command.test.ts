// `probelab compare`: two SAEs in their libraries' layouts through the compare job on the CPU engine give the
// numpy reference's FVU, L0, dead fraction and decoder matching (tools/reference/sae_compare.py).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from '../support/run-cli';
import { fixturePath } from '../support/fixtures';

const ref = JSON.parse(readFileSync(resolve(__dirname, '../../tools/reference/sae_compare.json'), 'utf8')).fixtures;

test('compare --json on a SAELens and a sparsify SAE matches numpy', async () => {
  const dir = (name: string) => fixturePath(`sae-layouts/${name}`);
  const argv = ['compare', dir(ref.a), dir(ref.b), fixturePath('sae-layouts/acts.npy'), '--engine', 'cpu'];
  const { code, out, err } = await runCli([...argv, '--json']);
  expect(code, err).toBe(0);
  const r = JSON.parse(out);
  expect(r.rows).toBe(ref.rows);
  for (const [side, name] of [
    ['a', ref.a],
    ['b', ref.b],
  ]) {
    // f32 engine codes against the library's f64 forward pass.
    expect(r[side].fvu).toBeCloseTo(ref.sides[name].fvu, 4);
    expect(r[side].l0).toBeCloseTo(ref.sides[name].l0, 6);
    expect(r[side].deadFraction).toBeCloseTo(ref.sides[name].deadFraction, 6);
  }
  expect(r.aInB.bestIndex).toEqual(ref.aInB.bestIndex);
  expect(r.aInB.mmcs).toBeCloseTo(ref.aInB.mmcs, 6);
  expect(r.aInB.recovered.map((x: { count: number }) => x.count)).toEqual(ref.aInB.recovered);
  expect(r.bInA.recovered.map((x: { count: number }) => x.count)).toEqual(ref.bInA.recovered);
  const table = await runCli(argv);
  expect(table.out).toMatch(/A's latents found in B: MMCS \d\.\d{3}, \d+\/16 at cos ≥ 0.7/);
});

test('compare names what is missing', async () => {
  expect((await runCli(['compare', 'a'])).err).toMatch(/compare needs SAE_A SAE_B ACTS/);
});
