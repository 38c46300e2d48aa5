// Faults injected into the running app: a lost GPU device mid-run, a crashed worker, a page reload.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright';
import { fixtureBytes } from '../support/fixtures';
import { dropFiles, openPage, startApp, type AppSession } from '../support/app-server';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

async function loadDigits(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=engine][data-backend=webgpu]', { timeout: 60_000 });
  await dropFiles(page, [
    { name: 'digits_f32.npy', bytes: fixtureBytes('digits_f32.npy') },
    { name: 'digits_labels.npy', bytes: fixtureBytes('digits_labels.npy') },
  ]);
  await page.waitForSelector('[data-testid=files] >> text=digits_labels.npy');
}

async function inject(page: Page, fault: 'device-lost' | 'worker-crash'): Promise<void> {
  await page.click('details.diagnostics > summary');
  await page.click(`[data-testid=inject-${fault}]`);
}

test('a GPU device lost mid-run is recreated and the run restarts and finishes on it', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await loadDigits(page);
  await page.selectOption('[data-testid=optimizer]', 'adam');
  await page.getByLabel('Max iterations').fill('60');
  await page.getByLabel('Max iterations').press('Tab');
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=status][data-status=running]', { timeout: 60_000 });
  await inject(page, 'device-lost');
  await expect
    .poll(() => page.textContent('[data-testid=errors]'), { timeout: 60_000 })
    .toMatch(/device was lost during training.*restarted/);
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 180_000 });
  expect(Number(await page.getAttribute('[data-testid=test-accuracy]', 'data-value'))).toBeGreaterThan(0.85);
  expect(await page.getAttribute('[data-testid=engine]', 'data-backend')).toBe('webgpu');
  expect(consoleErrors.filter((e) => !/device|destroyed|lost/i.test(e))).toEqual([]);
});

test('a crashed worker is restarted with the files reloaded; finished runs survive it and a reload', async () => {
  const { page } = await openPage(app, '?demo=0');
  await loadDigits(page);
  await page.getByLabel('Max iterations').fill('15');
  await page.getByLabel('Max iterations').press('Tab');
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
  await expect.poll(() => page.locator('[data-testid=run-row]').count()).toBeGreaterThanOrEqual(1);
  const runsBefore = await page.locator('[data-testid=run-row]').count();

  await inject(page, 'worker-crash');
  await expect
    .poll(() => page.textContent('[data-testid=errors]'), { timeout: 30_000 })
    .toMatch(/worker stopped.*restarted.*files reloaded/);
  await page.waitForSelector('[data-testid=engine][data-backend=webgpu]', { timeout: 60_000 });
  expect(await page.locator('[data-testid=files] > li').count()).toBe(2);
  // The files are back: another setting trains (live) a new run beside the kept one.
  await page.getByLabel('Max iterations').fill('12');
  await page.getByLabel('Max iterations').press('Tab');
  await expect.poll(() => page.locator('[data-testid=run-row]').count(), { timeout: 120_000 }).toBe(runsBefore + 1);
  expect(await page.getAttribute('[data-testid=status]', 'data-status')).toBe('done');

  await page.reload();
  await expect.poll(() => page.locator('[data-testid=run-row]').count(), { timeout: 30_000 }).toBe(runsBefore + 1);
});
