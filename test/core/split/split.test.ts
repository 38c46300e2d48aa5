import { expect, test } from 'vitest';
import { makeSplit } from '../../../src/core/split/split';

test('a seeded random split is reproducible, disjoint and covers every row', () => {
  const a = makeSplit({ kind: 'random', testFraction: 0.25, seed: 7, stratify: false }, 100);
  const b = makeSplit({ kind: 'random', testFraction: 0.25, seed: 7, stratify: false }, 100);
  const c = makeSplit({ kind: 'random', testFraction: 0.25, seed: 8, stratify: false }, 100);
  expect(Array.from(a.test)).toEqual(Array.from(b.test));
  expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  expect(a.test.length).toBe(25);
  expect(new Set([...a.train, ...a.test]).size).toBe(100);
});

test('a stratified split keeps each class at the held-out fraction', () => {
  const labels = Int32Array.from({ length: 200 }, (_, i) => (i < 40 ? 1 : 0));
  const s = makeSplit({ kind: 'random', testFraction: 0.25, seed: 1, stratify: true }, 200, labels);
  expect(Array.from(s.test).filter((i) => labels[i] === 1).length).toBe(10);
  expect(Array.from(s.test).filter((i) => labels[i] === 0).length).toBe(40);
});

test('an explicit split names the offending index', () => {
  expect(() => makeSplit({ kind: 'explicit', train: [0, 1], test: [1], source: 'split.json' }, 5)).toThrow(
    /split.json: row 1 appears twice/,
  );
  expect(() => makeSplit({ kind: 'explicit', train: [0, 9], test: [1], source: 'split.json' }, 5)).toThrow(
    /train_idx\[1\] = 9/,
  );
});

test('splits a million rows (no argument spread that overflows the stack)', () => {
  const s = makeSplit({ kind: 'random', testFraction: 0.1, seed: 3, stratify: false }, 1_000_000);
  expect(s.test.length).toBe(100_000);
  expect(s.train.length).toBe(900_000);
});
