// The runs journey from the page: load breast_cancer with scikit-learn's split → train LDA in the probe suite →
// tune (a settings change retrains and a second run appears) → compare the two → export one, delete it, import
// the file back with equal metrics → reload and find the runs restored from IndexedDB.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright';
import { referenceJson } from '../support/fixtures';
import { openPage, startApp, type AppSession, loadBreastCancerWithSplit } from '../support/app-server';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

const SHOTS = 'test-output/screenshots';
mkdirSync(SHOTS, { recursive: true });

/** Each run row's method and key metrics (train | held-out), newest first. */
async function runRows(page: Page) {
  return page.$$eval('[data-testid=run-row]', (rows) =>
    rows.map((r) => ({
      method: r.getAttribute('data-method'),
      name: r.querySelector('[data-testid=run-name]')?.textContent ?? '',
      metrics: Array.from(r.querySelectorAll('[data-testid=run-metric]')).map((m) => ({
        label: m.getAttribute('data-label'),
        train: m.getAttribute('data-train'),
        test: m.getAttribute('data-test'),
      })),
    })),
  );
}

test('train LDA, tune it, compare, export and re-import a run, and find the runs after a reload', async () => {
  const { page, consoleErrors, foreignRequests } = await openPage(app, '?demo=0');
  await loadBreastCancerWithSplit(page);
  const ref = referenceJson().breast_cancer;

  // Train.
  await page.getByRole('tab', { name: 'Probe suite' }).click();
  await page.selectOption('[data-testid=suite-method]', 'lda');
  await page.click('[data-testid=run-suite]');
  await page.waitForSelector('[data-testid=run-row][data-method=lda]', { timeout: 120_000 });
  const first = (await runRows(page))[0];
  const acc = first.metrics.find((m) => m.label === 'accuracy')!;
  expect(Math.abs(Number(acc.test) - ref.lda.test_acc)).toBeLessThanOrEqual(1e-3);
  expect(Number(acc.train)).toBeGreaterThan(0.9);

  // Tune: a settings change retrains live and keeps a second run.
  await page.getByLabel('Covariance shrinkage').selectOption('ledoit-wolf');
  await expect.poll(async () => (await runRows(page)).length, { timeout: 120_000 }).toBe(2);
  const rows = await runRows(page);
  expect(rows.map((r) => r.method)).toEqual(['lda', 'lda']);
  expect(rows[0].name).toMatch(/ledoit-wolf/);

  // Compare: the table shows both runs' train and held-out metrics.
  for (const r of rows) await page.getByLabel(`compare ${r.name}`).check();
  await page.waitForSelector('[data-testid=compare-table]');
  expect(await page.locator('[data-testid=compare-test][data-label=accuracy]').count()).toBe(2);
  await page.locator('[data-testid=compare]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/runs-compare.png`, fullPage: true });

  // Export the first run, delete it, import the file: the same metrics come back.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: `export ${rows[1].name}` }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.probelab-run\.json$/);
  const bytes = readFileSync((await file.path())!);
  await page.getByRole('button', { name: `delete ${rows[1].name}` }).click();
  await expect.poll(async () => (await runRows(page)).length).toBe(1);
  await page.setInputFiles('input[aria-label="import runs"]', {
    name: file.suggestedFilename(),
    mimeType: 'application/json',
    buffer: bytes,
  });
  await expect.poll(async () => (await runRows(page)).length).toBe(2);
  const reimported = (await runRows(page)).find((r) => r.name === rows[1].name);
  expect(reimported).toEqual(rows[1]);

  // Reload: the runs are restored from IndexedDB.
  await page.reload();
  await expect
    .poll(async () => (await runRows(page)).map((r) => r.name).sort(), { timeout: 30_000 })
    .toEqual(rows.map((r) => r.name).sort());
  await page.screenshot({ path: `${SHOTS}/runs-after-reload.png`, fullPage: true });
  expect(consoleErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});
