// Detector, erasure and PCA in the built app on WebGPU, against scikit-learn's numbers where they exist.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright';
import { fixtureBytes, referenceJson } from '../support/fixtures';
import { dropFiles, loadBreastCancerWithSplit, openPage, startApp, type AppSession } from '../support/app-server';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

async function run(page: Page): Promise<void> {
  await page.click('[data-testid=run-analysis]');
  await page.waitForSelector('[data-testid=status][data-status=done], [data-testid=status][data-status=error]', {
    timeout: 120_000,
  });
  expect(await page.getAttribute('[data-testid=status]', 'data-status')).toBe('done');
}

test("Mahalanobis detector (empirical) on breast_cancer reproduces scikit-learn's held-out AUROC", async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await loadBreastCancerWithSplit(page);
  await page.click('[data-tab=detector]');
  await page.getByLabel('Covariance').selectOption('empirical');
  await run(page);
  const auroc = Number(
    (await page.locator('[data-testid=detector-metrics] tbody tr').first().locator('td').first().textContent())!.trim(),
  );
  expect(Math.abs(auroc - referenceJson().breast_cancer.mahalanobis.empirical_test_auroc)).toBeLessThan(1e-3);
  await page.getByRole('button', { name: /Fit distributions/ }).click();
  await page.waitForSelector('[data-testid=fit-table]', { timeout: 60_000 });
  expect(await page.locator('[data-testid=fit-table] tbody tr').count()).toBe(3);
  await page.screenshot({ path: 'test-output/screenshots/detector.png', fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test('LEACE on breast_cancer drops a retrained probe to the majority-class rate', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await loadBreastCancerWithSplit(page);
  await page.click('[data-tab=erasure]');
  await run(page);
  const majority = Number(await page.textContent('[data-testid=majority]'));
  const rows = page.locator('[data-testid=erasure-checks] tbody tr');
  const heldOut = async (i: number) => Number(await rows.nth(i).locator('td').first().textContent());
  expect(await heldOut(0)).toBeGreaterThan(0.9);
  expect(Math.abs((await heldOut(1)) - majority)).toBeLessThanOrEqual(0.02);
  await page.screenshot({ path: 'test-output/screenshots/erasure.png', fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test('PCA of breast_cancer shows explained variance and a scatter coloured by label', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await loadBreastCancerWithSplit(page);
  await page.click('[data-tab=pca]');
  await run(page);
  const text = await page.textContent('[aria-label="analysis results"]');
  const ratios = /Explained variance ratio: ([\d., ]+)/.exec(text!)![1].split(',').map(Number).filter(Number.isFinite);
  expect(ratios.length).toBeGreaterThanOrEqual(5);
  ratios.slice(1).forEach((r, i) => expect(r).toBeLessThanOrEqual(ratios[i]));
  expect(ratios[0]).toBeGreaterThan(0.3);
  expect(await page.locator('[aria-label="analysis results"] canvas').count()).toBeGreaterThanOrEqual(1);
  // The page is cross-origin isolated, so the eigensolver's kernels have helper threads (one per further core).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const kernels = await page.getAttribute('[data-testid=engine]', 'title');
  expect(kernels).toMatch(new RegExp(`f64(-fma)?${cores > 1 ? `×${Math.min(8, cores)}` : ''}$`));
  await page.screenshot({ path: 'test-output/screenshots/pca.png', fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test('the dataset view reports shape, constant dimensions and row norms of digits as numpy does', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await page.waitForSelector('[data-testid=engine][data-backend=webgpu]', { timeout: 60_000 });
  await dropFiles(page, [{ name: 'digits_f32.npy', bytes: fixtureBytes('digits_f32.npy') }]);
  await page.waitForSelector('[data-testid=files] >> text=digits_f32.npy');
  await page.click('[data-tab=stats]');
  await run(page);
  const summary = await page.textContent('[data-testid=dataset-summary]');
  expect(summary).toMatch(/1797 × 64/);
  // numpy: (X.std(0) == 0).sum() == 3; np.median(np.linalg.norm(X, axis=1)) == 62.1369...
  expect(await page.textContent('[data-testid=constant-dims]')).toBe('3');
  expect(summary).toMatch(/ \/ 62\.14 \/ /);
  await page.screenshot({ path: 'test-output/screenshots/dataset.png', fullPage: true });
  expect(consoleErrors).toEqual([]);
});
