// Side-by-side comparison of two SAEs against the numpy reference (tools/reference/sae_compare.py): metrics from
// each library's SAE encoded on acts.npy by the f64 reference forward pass, and decoder matching both ways.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { compareSaes, comparisonToPlain, decoderMatch, sideStats } from '../../../src/core/sae/compare';
import { batchSums } from '../../../src/core/sae/metrics';
import { readNpyF32 } from '../../support/fixtures';
import { ACTS, readCase, referenceEncode } from '../../support/sae-layout-cases';

interface Match {
  best: number[];
  bestIndex: number[];
  mmcs: number;
  recovered: number[];
}
const ref = JSON.parse(readFileSync(resolve(__dirname, '../../../tools/reference/sae_compare.json'), 'utf8'));

function expectMatch(got: ReturnType<typeof decoderMatch>, want: Match) {
  expect(Array.from(got.bestIndex)).toEqual(want.bestIndex);
  got.best.forEach((v, i) => expect(v).toBeCloseTo(want.best[i], 10));
  expect(got.mmcs).toBeCloseTo(want.mmcs, 10);
  expect(got.recovered.map((r) => r.count)).toEqual(want.recovered);
}

test('a SAELens and a sparsify SAE on the same rows: FVU, L0, dead fraction and matching as numpy', async () => {
  const { data: x, shape } = await readNpyF32(ACTS);
  const [n, d] = shape;
  const input = async (name: string) => {
    const sae = await readCase(name);
    const { codes, recon } = await referenceEncode(sae.weights);
    return { stats: sideStats(name, batchSums(x, recon, codes, n, d, sae.weights.dSae)), wDec: sae.weights.wDec };
  };
  const f = ref.fixtures;
  const c = compareSaes(await input(f.a), await input(f.b), d);
  expect(c.rows).toBe(f.rows);
  for (const [side, name] of [
    ['a', f.a],
    ['b', f.b],
  ] as const) {
    const want = f.sides[name];
    // The f64 forward pass against each library's own (numpy) forward pass: f32 weights, f64 sums.
    expect(c[side].fvu).toBeCloseTo(want.fvu, 5);
    expect(c[side].mse).toBeCloseTo(want.mse, 3);
    expect(c[side].l0).toBeCloseTo(want.l0, 10);
    expect(c[side].deadFraction).toBeCloseTo(want.deadFraction, 10);
  }
  expectMatch(c.aInB, f.aInB);
  expectMatch(c.bInA, f.bInA);
  expect(JSON.parse(JSON.stringify(comparisonToPlain(c)))).toMatchObject({ rows: f.rows, smaller: 'a' });
});

test('a small dictionary planted in a large one: best match per latent, MMCS, recovered at 0.7 and 0.9', () => {
  const p = ref.planted;
  const small = p.small.flat() as number[];
  const large = p.large.flat() as number[];
  expectMatch(decoderMatch(small, p.small.length, large, p.large.length, p.d), p.smallInLarge);
  expectMatch(decoderMatch(large, p.large.length, small, p.small.length, p.d), p.largeInSmall);
  // The planted rows with little noise are found where they were planted, at cosine ≥ 0.9.
  const m = decoderMatch(small, p.small.length, large, p.large.length, p.d);
  expect(Array.from(m.bestIndex.slice(0, 3))).toEqual([3, 5, 7]);
  expect(Math.min(...m.best.slice(0, 3))).toBeGreaterThan(0.9);
});

test('SAEs evaluated on different rows or with mismatched decoders are refused', async () => {
  const sums = (rows: number, m: number) => sideStats('x', { ...batchSums([], [], [], 0, 2, m), rows });
  expect(() =>
    compareSaes({ stats: sums(3, 2), wDec: [1, 0, 0, 1] }, { stats: sums(4, 2), wDec: [1, 0, 0, 1] }, 2),
  ).toThrow(/different rows/);
  expect(() => compareSaes({ stats: sums(3, 2), wDec: [1, 0] }, { stats: sums(3, 2), wDec: [1, 0, 0, 1] }, 2)).toThrow(
    /decoder shapes/,
  );
});
