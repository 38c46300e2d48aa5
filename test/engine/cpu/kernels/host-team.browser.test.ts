// The host kernels' helper threads in Chromium: in a cross-origin-isolated page's dedicated worker, helper Web
// Workers (started from a Blob URL) take parts of the eigensolver's products, and the result equals the same
// kernels on one thread bit for bit.
import { expect, test } from 'vitest';

interface Outcome {
  error?: string;
  name: string;
  helpers: number;
  helperParts: number;
  differing: number;
  residual: number;
}

test('the test page is cross-origin isolated (vitest.config.ts sets COOP and COEP)', () => {
  expect(globalThis.crossOriginIsolated).toBe(true);
});

// With one core no helper is started: nothing to compare.
test.skipIf(navigator.hardwareConcurrency < 2)(
  'helper Web Workers share the eigensolver and change nothing in its result',
  async () => {
    const worker = new Worker(new URL('./host-team-worker.ts', import.meta.url), { type: 'module' });
    const outcome = await new Promise<Outcome>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<Outcome>) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
    });
    worker.terminate();
    expect(outcome.error).toBeUndefined();
    expect(outcome.name).toMatch(new RegExp(`×${outcome.helpers + 1}$`));
    expect(outcome.helperParts).toBeGreaterThan(0);
    expect(outcome.differing).toBe(0);
    expect(outcome.residual).toBeLessThan(1e-9);
  },
);
