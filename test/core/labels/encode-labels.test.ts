import { expect, test } from 'vitest';
import { encodeLabels, encodeNamedLabels } from '../../../src/core/labels/encode-labels';

test("codes follow scikit-learn's sorted unique values, numerically for numbers", () => {
  const e = encodeLabels([10, 2, 1, 2, 10]);
  expect(e.classes).toEqual(['1', '2', '10']);
  expect(Array.from(e.codes)).toEqual([2, 1, 0, 1, 2]);
});

test('a class-name list names integer codes by index', () => {
  const e = encodeNamedLabels([0, 2, 1, 2], ['bul', 'ces', 'cmn']);
  expect(e.classes).toEqual(['bul', 'ces', 'cmn']);
  expect(Array.from(e.codes)).toEqual([0, 2, 1, 2]);
  // A list may name classes that do not occur.
  expect(encodeNamedLabels([1, 1, 3], ['a', 'b', 'c', 'd', 'e']).classes).toEqual(['b', 'd']);
});

test('a list that does not name every class is refused, never applied to some of them', () => {
  const sixteen = Array.from({ length: 32 }, (_, i) => i % 16);
  const eleven = Array.from({ length: 11 }, (_, i) => `lang${i}`);
  expect(() => encodeNamedLabels(sixteen, eleven)).toThrow(/11 names but the labels have 16 classes \(values 0–15\)/);
  expect(() => encodeNamedLabels([0.5, 1], ['a', 'b'])).toThrow(/not applied/);
  // String labels are their own names: the list does not apply.
  expect(encodeNamedLabels(['x', 'y'], ['a']).classes).toEqual(['x', 'y']);
});
