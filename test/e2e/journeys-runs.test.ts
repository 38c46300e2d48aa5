// The run history: one entry per setup (a rerun or a return to a tab adds none), capped, apart from the runs the
// user pins; comparing runs keeps working, and pins survive a reload.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright';
import { loadBreastCancerWithSplit, openPage, startApp, type AppSession } from '../support/app-server';
import { screenshot } from '../support/page-actions';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

const C_INPUT = '[aria-label="C (inverse L2 strength, scikit-learn) value"]';
const names = (page: Page, section: 'history' | 'pinned') =>
  page.locator(`[data-testid=runs-${section}] [data-testid=run-name]`).allTextContents();
const allRuns = (page: Page) => page.locator('[data-testid=run-row]').count();

async function setC(page: Page, value: string) {
  await page.fill(C_INPUT, value);
  await page.press(C_INPUT, 'Tab');
  await page.waitForSelector('[data-testid=status][data-status=running], [data-testid=status][data-status=queued]', {
    timeout: 10_000,
  });
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
}

test('the same data and settings are one run; tab visits add none; pinned runs stay apart and survive a reload', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await loadBreastCancerWithSplit(page);
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
  await expect.poll(() => allRuns(page)).toBe(1);

  // Visiting other tabs and coming back retrains nothing and keeps nothing new.
  await page.getByRole('tab', { name: 'PCA' }).click();
  await page.getByRole('tab', { name: 'Probe suite' }).click();
  await page.getByRole('tab', { name: 'Logistic probe' }).click();
  await page.waitForTimeout(500);
  expect(await page.getAttribute('[data-testid=status]', 'data-status')).toBe('done');
  expect(await allRuns(page)).toBe(1);
  // Retraining the same settings updates that run's entry.
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
  expect(await allRuns(page)).toBe(1);

  await setC(page, '0.01');
  await expect.poll(() => allRuns(page)).toBe(2);
  await setC(page, '1');
  await page.waitForTimeout(300);
  expect(await allRuns(page)).toBe(2);
  expect((await names(page, 'history')).sort()).toEqual(
    ['logistic C=0.01 · breast_cancer.npz', 'logistic C=1 · breast_cancer.npz'].sort(),
  );

  // Pin C=0.01: it moves out of the history; a rerun of its settings adds nothing.
  await page.getByRole('button', { name: 'pin logistic C=0.01 · breast_cancer.npz' }).click();
  await expect.poll(() => names(page, 'pinned')).toEqual(['logistic C=0.01 · breast_cancer.npz']);
  expect(await names(page, 'history')).toEqual(['logistic C=1 · breast_cancer.npz']);
  await setC(page, '0.01');
  await page.waitForTimeout(300);
  expect(await allRuns(page)).toBe(2);

  // Comparing a pinned run with one from the history.
  await page.getByLabel('compare logistic C=0.01 · breast_cancer.npz').check();
  await page.getByLabel('compare logistic C=1 · breast_cancer.npz').check();
  await page.waitForSelector('[data-testid=compare-table]');
  expect(await page.locator('[data-testid=compare-test][data-label=accuracy]').count()).toBe(2);
  await page.locator('[data-testid=compare]').scrollIntoViewIfNeeded();
  await screenshot(page, 'journey-5-runs-history-and-pinned');

  await page.reload();
  await expect.poll(() => names(page, 'pinned'), { timeout: 30_000 }).toEqual(['logistic C=0.01 · breast_cancer.npz']);
  expect(await names(page, 'history')).toEqual(['logistic C=1 · breast_cancer.npz']);
  expect(consoleErrors).toEqual([]);
});
