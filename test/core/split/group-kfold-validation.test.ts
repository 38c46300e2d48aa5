// Group split, stratified k-fold and validation carving: disjoint, seeded, stratified.
import { describe, expect, test } from 'vitest';
import { groupSplit } from '../../../src/core/split/group-split';
import { stratifiedKFold } from '../../../src/core/split/kfold';
import { carveValidation } from '../../../src/core/split/validation-split';

const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 30 ? 1 : 0));
const all = Int32Array.from({ length: 100 }, (_, i) => i);

describe('stratified k-fold', () => {
  test('validation folds partition the rows and keep the class ratio', () => {
    const folds = stratifiedKFold(all, labels, 5, 1);
    const seen = new Set<number>();
    for (const f of folds) {
      for (const r of f.validation) {
        expect(seen.has(r)).toBe(false);
        seen.add(r);
      }
      expect(f.fit.length + f.validation.length).toBe(100);
      expect(Array.from(f.validation).filter((r) => labels[r] === 1)).toHaveLength(6);
      expect(f.fit.some((r) => f.validation.includes(r))).toBe(false);
    }
    expect(seen.size).toBe(100);
  });
  test('is reproducible by seed and refuses k < 2', () => {
    expect(stratifiedKFold(all, labels, 3, 4)).toEqual(stratifiedKFold(all, labels, 3, 4));
    expect(stratifiedKFold(all, labels, 3, 4)).not.toEqual(stratifiedKFold(all, labels, 3, 5));
    expect(() => stratifiedKFold(all, labels, 1, 0)).toThrow(/k = 1/);
  });
});

describe('validation carving', () => {
  test('takes a stratified fraction of the training rows only', () => {
    const train = Int32Array.from({ length: 80 }, (_, i) => i);
    const { fit, validation } = carveValidation(train, labels, 0.25, 2);
    // Per class, round(¼ · count): 30 positives → 8 (7.5 rounds up), 50 negatives → 13 (12.5 rounds up).
    expect(Array.from(validation).filter((r) => labels[r] === 1)).toHaveLength(8);
    expect(validation.length).toBe(21);
    expect([...fit, ...validation].sort((a, b) => a - b)).toEqual(Array.from(train));
  });
});

describe('group split', () => {
  test('never puts one group on both sides and reaches the test fraction', () => {
    const groups = Array.from({ length: 100 }, (_, i) => `doc${Math.floor(i / 7)}`);
    const s = groupSplit(groups, 0.3, 5);
    const testGroups = new Set(Array.from(s.test, (r) => groups[r]));
    for (const r of s.train) expect(testGroups.has(groups[r])).toBe(false);
    expect(s.test.length).toBeGreaterThanOrEqual(30);
    expect(s.train.length + s.test.length).toBe(100);
    expect(groupSplit(groups, 0.3, 5)).toEqual(s);
  });
  test('refuses a column with a single group, naming it', () => {
    expect(() => groupSplit([1, 1, 1], 0.5, 0, 'meta.source')).toThrow(/meta.source has 1 distinct/);
  });
});
