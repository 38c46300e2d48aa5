import { expect, test } from 'vitest';
import { stableKey } from '../../../src/ui/runs/run-key';

test('keys ignore field order and undefined fields, and count typed arrays by content', () => {
  expect(stableKey({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(stableKey({ b: { d: 'x', c: [1, 2] }, a: 1 }));
  expect(stableKey({ a: 1, b: undefined })).toBe(stableKey({ a: 1 }));
  expect(stableKey({ w: Float64Array.of(1, 2) })).toBe(stableKey({ w: Float64Array.of(1, 2) }));
  expect(stableKey({ w: Float64Array.of(1, 2) })).not.toBe(stableKey({ w: Float64Array.of(1, 3) }));
  expect(stableKey({ w: Float64Array.of(1, 2) })).not.toBe(stableKey({ w: Float32Array.of(1, 2) }));
  expect(stableKey([1, 2])).not.toBe(stableKey([2, 1]));
});
