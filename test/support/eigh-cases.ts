// The LAPACK reference cases for symmetricEigen (numpy.linalg.eigh, tools/reference/eigh_reference.py): matrices
// both sides build from the same integer rule, and the check every solve must pass against them (eigenvalues,
// residual ‖AV − VΛ‖, orthogonality ‖VᵀV − I‖), whichever host kernels ran it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { SymmetricEigen } from '../../src/core/math/linalg';

export interface Case {
  name: string;
  kind: 'random' | 'lowRank' | 'wilkinson' | 'graded';
  n: number;
  seed?: number;
  rank?: number;
  frobenius: number;
  eigenvalues: number[];
}

export const eighCases: Case[] = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../tools/reference/eigh_reference.json', import.meta.url)), 'utf8'),
).cases;

/** MINSTD, exactly as the Python script: s ← 48271·s mod (2³¹ − 1), u = s / (2³¹ − 1) − 0.5. */
function draws(seed: number, count: number): Float64Array {
  const M = 2147483647;
  let s = seed;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    s = (s * 48271) % M;
    out[i] = s / M - 0.5;
  }
  return out;
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const u = draws(seed, (n * (n + 1)) / 2);
  const a = new Float64Array(n * n);
  let t = 0;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = u[t++];
  return a;
}

export function buildEighCase(c: Case): Float64Array {
  const n = c.n;
  if (c.kind === 'random') return randomSymmetric(n, c.seed!);
  if (c.kind === 'lowRank') {
    const r = c.rank!;
    const x = draws(c.seed!, n * r);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < r; t++) s += x[i * r + t] * x[j * r + t];
        a[i * n + j] = s;
      }
    return a;
  }
  if (c.kind === 'wilkinson') {
    const a = new Float64Array(n * n);
    const m = (n - 1) / 2;
    for (let i = 0; i < n; i++) {
      a[i * n + i] = Math.abs(m - i);
      if (i + 1 < n) a[i * n + i + 1] = a[(i + 1) * n + i] = 1;
    }
    return a;
  }
  const s = randomSymmetric(n, c.seed!);
  const g = Float64Array.from({ length: n }, (_, i) => 10 ** ((-4 * i) / n));
  return s.map((x, k) => x * g[Math.floor(k / n)] * g[k % n]);
}

/** Asserts a solve of `a` (built by buildEighCase) agrees with LAPACK to backward-stable accuracy. */
export function expectMatchesLapack(c: Case, a: Float64Array, { values, vectors: v }: SymmetricEigen): void {
  const n = c.n;
  const scale = c.frobenius;
  // Backward-stable solvers agree to a small multiple of eps·‖A‖ on every eigenvalue.
  const expected = [...c.eigenvalues].reverse();
  for (let k = 0; k < n; k++) expect(Math.abs(values[k] - expected[k])).toBeLessThan(8 * n * Number.EPSILON * scale);
  let residual = 0;
  let orth = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[j * n + k];
      residual = Math.max(residual, Math.abs(s - values[k] * v[i * n + k]));
    }
    for (let q = k; q < n; q++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += v[i * n + k] * v[i * n + q];
      orth = Math.max(orth, Math.abs(s - (k === q ? 1 : 0)));
    }
  }
  expect(residual).toBeLessThan(8 * n * Number.EPSILON * scale);
  expect(orth).toBeLessThan(8 * n * Number.EPSILON);
}
