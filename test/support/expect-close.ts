// The tolerance check every f32-against-f64 test uses: max |got − want| ≤ tol · max(1, max |want|).
import { expect } from 'vitest';

export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  let scale = 1,
    worst = 0,
    at = -1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  expect(worst / scale, `${what}: worst error at ${at} (got ${got[at]}, want ${want[at]})`).toBeLessThanOrEqual(tol);
}
