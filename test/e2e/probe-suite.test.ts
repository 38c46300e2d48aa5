// The probe suite from the page: drop breast_cancer with scikit-learn's split, choose LDA in the Probe suite tab,
// run, and read held-out accuracy and AUROC matching scikit-learn's LinearDiscriminantAnalysis.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync } from 'node:fs';
import { fixtureBytes, referenceJson } from '../support/fixtures';
import { dropFiles, openPage, startApp, type AppSession } from '../support/app-server';

let app: AppSession;
beforeAll(async () => { app = await startApp(); });
afterAll(async () => { await app?.close(); });

const SHOTS = 'test-output/screenshots';
mkdirSync(SHOTS, { recursive: true });

test('LDA in the probe suite reproduces scikit-learn\'s held-out accuracy and AUROC on breast_cancer', async () => {
  const { page, consoleErrors, foreignRequests } = await openPage(app, '?demo=0');
  await page.waitForSelector('[data-testid=engine][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  const ref = referenceJson().breast_cancer;
  await dropFiles(page, [
    { name: 'breast_cancer.npz', bytes: fixtureBytes('breast_cancer.npz') },
    { name: 'breast_cancer_split.json', bytes: new TextEncoder().encode(JSON.stringify({ train_idx: ref.train_idx, test_idx: ref.test_idx })) },
  ]);
  await page.waitForSelector('[data-testid=files] >> text=breast_cancer_split.json');
  await expect.poll(() => page.inputValue('[data-testid=split-select]')).not.toBe('random');

  await page.getByRole('tab', { name: 'Probe suite' }).click();
  await page.selectOption('[data-testid=suite-method]', 'lda');
  await page.click('[data-testid=run-suite]');
  await page.waitForSelector('[data-testid=suite-result][data-method=lda]', { timeout: 120_000 });
  expect(await page.getAttribute('[data-testid=status]', 'data-status')).toBe('done');

  const value = async (id: string) => Number(await page.getAttribute(`[data-testid=${id}]`, 'data-value'));
  expect(Math.abs(await value('suite-test-accuracy') - ref.lda.test_acc)).toBeLessThanOrEqual(1e-3);
  expect(Math.abs(await value('suite-test-auroc') - ref.lda.test_auroc)).toBeLessThanOrEqual(1e-3);
  // Training metrics sit beside the held-out ones, with bootstrap intervals.
  expect(await value('suite-train-accuracy')).toBeGreaterThan(0.9);
  expect(await page.textContent('[data-testid=suite-test-accuracy]')).toMatch(/\[\d\.\d{3}, \d\.\d{3}\]/);
  // Every view of a binary classifier is drawn, and the probe can be exported.
  for (const label of ['ROC', 'score histograms', 'confusion', 'reliability']) {
    expect(await page.locator(`[aria-label*="${label}" i]`).count(), label).toBeGreaterThan(0);
  }
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '.safetensors' }).click();
  expect((await download).suggestedFilename()).toBe('lda.safetensors');
  await page.screenshot({ path: `${SHOTS}/probe-suite-lda.png`, fullPage: true });
  expect(consoleErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});

test('CCS on contrast pairs finds x_plus / x_minus, says its sign was fixed with labels, and generalises', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await page.waitForSelector('[data-testid=engine][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  await dropFiles(page, [{ name: 'contrast_pairs.npz', bytes: fixtureBytes('contrast_pairs.npz') }]);
  await page.waitForSelector('[data-testid=files] >> text=contrast_pairs.npz');
  await page.getByRole('tab', { name: 'Probe suite' }).click();
  await page.selectOption('[data-testid=suite-method]', 'ccs');
  expect(await page.locator('[data-testid=ccs-x-plus] option:checked').textContent()).toMatch(/x_plus/);
  expect(await page.locator('[data-testid=ccs-x-minus] option:checked').textContent()).toMatch(/x_minus/);
  const truth = await page.locator('[data-testid=labels-select] option', { hasText: 'truth' }).getAttribute('value');
  await page.selectOption('[data-testid=labels-select]', truth!);
  await page.click('[data-testid=run-suite]');
  await page.waitForSelector('[data-testid=suite-result][data-method=ccs]', { timeout: 120_000 });
  expect(await page.textContent('[data-testid=suite-note]')).toMatch(/sign .* fixed with the training labels/);
  expect(Number(await page.getAttribute('[data-testid=suite-test-accuracy]', 'data-value'))).toBeGreaterThan(0.9);
  await page.screenshot({ path: `${SHOTS}/probe-suite-ccs.png`, fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test('a layer sweep lists every layer of layers.safetensors and picks one on validation rows', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await page.waitForSelector('[data-testid=engine][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  await dropFiles(page, [{ name: 'layers.safetensors', bytes: fixtureBytes('layers.safetensors') }]);
  await page.waitForSelector('[data-testid=files] >> text=layers.safetensors');
  await page.getByRole('tab', { name: 'Probe suite' }).click();
  const layer0 = await page.locator('[data-testid=activations-select] option', { hasText: 'layer_0' }).getAttribute('value');
  await page.selectOption('[data-testid=activations-select]', layer0!);
  const labels = await page.locator('[data-testid=labels-select] option', { hasText: 'labels' }).first().getAttribute('value');
  await page.selectOption('[data-testid=labels-select]', labels!);
  await page.selectOption('[data-testid=suite-method]', 'layer-sweep');
  expect(await page.locator('[data-testid=suite-layers] li').allTextContents()).toEqual(
    [0, 1, 2, 3, 4, 5].map((i) => `layer_${i} [2000 × 32]`));
  await page.click('[data-testid=run-suite]');
  await page.waitForSelector('[data-testid=suite-result][data-method=layer-sweep]', { timeout: 120_000 });
  expect(await page.textContent('[data-testid=suite-result]')).toMatch(/Chosen layer: layer_\d/);
  await page.screenshot({ path: `${SHOTS}/probe-suite-layer-sweep.png`, fullPage: true });
  expect(consoleErrors).toEqual([]);
});
