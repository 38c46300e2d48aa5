// An HDF5 file dropped into the built app is read by the worker through FileReaderSync, slice by slice (no
// whole-file copy): digits.h5 (written by h5py) trains the 10-class probe to scikit-learn's held-out accuracy.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fixtureBytes, referenceJson } from '../support/fixtures';
import { dropFiles, openPage, startApp, type AppSession } from '../support/app-server';

let app: AppSession;
beforeAll(async () => { app = await startApp(); });
afterAll(async () => { await app?.close(); });

test('digits.h5 with the reference split trains to scikit-learn\'s multinomial held-out accuracy', async () => {
  const { page, consoleErrors, foreignRequests } = await openPage(app, '?demo=0');
  await page.waitForSelector('[data-testid=engine][data-backend="webgpu"]', { timeout: 60_000 });
  const ref = referenceJson().digits;
  await dropFiles(page, [
    { name: 'digits.h5', bytes: fixtureBytes('digits.h5') },
    { name: 'digits_split.json', bytes: new TextEncoder().encode(JSON.stringify({ train_idx: ref.train_idx, test_idx: ref.test_idx })) },
  ]);
  await page.waitForSelector('[data-testid=files] >> text=digits_split.json');
  await expect.poll(() => page.inputValue('[data-testid=split-select]')).not.toBe('random');
  // The h5py file holds both arrays; they pair by row count.
  await expect.poll(async () => (await page.locator('[data-testid=activations-select] option:checked').textContent()) ?? '').toMatch(/1797 × 64/);
  await expect.poll(async () => (await page.locator('[data-testid=labels-select] option:checked').textContent()) ?? '').toMatch(/1797/);
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 240_000 });
  const acc = Number(await page.getAttribute('[data-testid=test-accuracy]', 'data-value'));
  expect(Math.abs(acc - ref.multinomial_logreg_C1.test_acc)).toBeLessThanOrEqual(0.01);
  expect(consoleErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});
