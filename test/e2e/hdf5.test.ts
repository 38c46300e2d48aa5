// An HDF5 file dropped into the built app is opened by the worker (which reads it by slices through
// FileReaderSync; this journey runs that path but cannot tell it from the copy fallback, which unit tests pin):
// digits.h5 (written by h5py) trains the 10-class probe to scikit-learn's held-out accuracy.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { referenceJson } from '../support/fixtures';
import { loadFixtureWithSplit, openPage, startApp, type AppSession } from '../support/app-server';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

test("digits.h5 with the reference split trains to scikit-learn's multinomial held-out accuracy", async () => {
  const { page, consoleErrors, foreignRequests } = await openPage(app, '?demo=0');
  await page.waitForSelector('[data-testid=engine][data-backend="webgpu"]', { timeout: 60_000 });
  await loadFixtureWithSplit(page, 'digits.h5', 'digits');
  // The h5py file holds both arrays; they pair by row count.
  await expect
    .poll(async () => (await page.locator('[data-testid=activations-select] option:checked').textContent()) ?? '')
    .toMatch(/1797 × 64/);
  await expect
    .poll(async () => (await page.locator('[data-testid=labels-select] option:checked').textContent()) ?? '')
    .toMatch(/1797/);
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 240_000 });
  const acc = Number(await page.getAttribute('[data-testid=test-accuracy]', 'data-value'));
  expect(Math.abs(acc - referenceJson().digits.multinomial_logreg_C1.test_acc)).toBeLessThanOrEqual(0.01);
  expect(consoleErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});
