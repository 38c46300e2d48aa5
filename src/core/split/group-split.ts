// Split by a group column (e.g. source document, prompt template, speaker): whole groups go to one side, so
// near-duplicate rows of a group never straddle train and test. Groups are shuffled with the seed and moved to
// the test side until it holds at least the requested fraction of rows.

import { createRng, shuffleInPlace } from '../math/rng';
import type { Split } from './split';

export function groupSplit(
  groups: ArrayLike<number | string>,
  testFraction: number,
  seed: number,
  source = 'group column',
): Split {
  if (!(testFraction > 0 && testFraction < 1))
    throw new Error(`invalid test fraction ${testFraction}: must be strictly between 0 and 1`);
  const members = new Map<number | string, number[]>();
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (typeof g === 'number' && !Number.isFinite(g))
      throw new Error(`${source}: row ${i} has group ${g}, which is not a value`);
    if (!members.has(g)) members.set(g, []);
    members.get(g)!.push(i);
  }
  if (members.size < 2)
    throw new Error(`${source} has ${members.size} distinct group(s); a group split needs at least 2`);
  // Sort before shuffling so the split depends only on the seed and the group values, not on row order.
  const keys = [...members.keys()].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  shuffleInPlace(keys, createRng(seed));
  const target = testFraction * groups.length;
  const test: number[] = [];
  const train: number[] = [];
  for (const key of keys) {
    // The last group always stays in train, so neither side is empty.
    if (test.length < target && key !== keys[keys.length - 1]) test.push(...members.get(key)!);
    else train.push(...members.get(key)!);
  }
  return { train: Int32Array.from(train).sort(), test: Int32Array.from(test).sort() };
}
