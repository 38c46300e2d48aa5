// Train/held-out splits: seeded random, stratified by label, or an explicit index list (e.g. the split a
// scikit-learn reference used). Every split is checked: indices in range, disjoint, both sides non-empty.

import { createRng, shuffleInPlace } from '../math/rng';

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

export type SplitSpec =
  | { kind: 'random'; testFraction: number; seed: number; stratify: boolean }
  | { kind: 'explicit'; train: number[]; test: number[]; source: string };

export function makeSplit(spec: SplitSpec, rows: number, labels?: Int32Array): Split {
  if (spec.kind === 'explicit') return explicitSplit(spec.train, spec.test, rows, spec.source);
  if (!(spec.testFraction > 0 && spec.testFraction < 1)) {
    throw new Error(`invalid test fraction ${spec.testFraction}: must be strictly between 0 and 1`);
  }
  const random = createRng(spec.seed);
  const groups: number[][] = [];
  if (spec.stratify && labels) {
    for (let i = 0; i < rows; i++) (groups[labels[i]] ??= []).push(i);
  } else {
    groups.push(Array.from({ length: rows }, (_, i) => i));
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const group of groups) {
    if (!group) continue;
    shuffleInPlace(group, random);
    const nTest = Math.round(group.length * spec.testFraction);
    // A loop, not push(...rows): spreading hundreds of thousands of arguments overflows the call stack.
    for (let i = 0; i < group.length; i++) (i < nTest ? test : train).push(group[i]);
  }
  if (train.length === 0 || test.length === 0) {
    const classes = groups.filter(Boolean).length;
    const hint =
      spec.stratify && classes > rows / 2
        ? ` (stratified over ${classes} classes of about one row each: are these labels row ids?)`
        : '';
    throw new Error(`split of ${rows} rows at test fraction ${spec.testFraction} leaves one side empty${hint}`);
  }
  const sorted = (a: number[]) => Int32Array.from(a).sort();
  return { train: sorted(train), test: sorted(test) };
}

function explicitSplit(train: number[], test: number[], rows: number, source: string): Split {
  const seen = new Uint8Array(rows);
  const check = (list: number[], side: string, mark: number) => {
    list.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v >= rows) {
        throw new Error(`${source}: ${side}[${i}] = ${v} is not a row index in [0, ${rows})`);
      }
      if (seen[v])
        throw new Error(`${source}: row ${v} appears twice (${side}[${i}]); train and test must be disjoint`);
      seen[v] = mark;
    });
  };
  check(train, 'train_idx', 1);
  check(test, 'test_idx', 2);
  if (train.length === 0 || test.length === 0)
    throw new Error(`${source}: train_idx and test_idx must both be non-empty`);
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
