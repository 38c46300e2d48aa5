// The one CRC-32 against zlib's (Node's own, an independent implementation) and the standard check value.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { expect, test } from 'vitest';
import { crc32 } from '../../../src/core/formats/crc32';
import { createRng } from '../../../src/core/math/rng';

test('the check value of "123456789" is 0xCBF43926, and no bytes give 0', () => {
  expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  expect(crc32(new Uint8Array(0))).toBe(0);
});

test("equals zlib's on seeded random bytes, in one call or chunk by chunk", () => {
  const random = createRng(4);
  const bytes = Uint8Array.from({ length: 10_000 }, () => Math.floor(random() * 256));
  const expected = zlibCrc32(bytes);
  expect(crc32(bytes)).toBe(expected);
  let running = 0;
  for (let i = 0; i < bytes.length; i += 777) running = crc32(bytes.subarray(i, i + 777), running);
  expect(running).toBe(expected);
});
