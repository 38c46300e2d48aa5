// The probe suite from the page: drop breast_cancer with scikit-learn's split, choose LDA in the Probe suite tab,
// run, and read held-out accuracy and AUROC matching scikit-learn's LinearDiscriminantAnalysis.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { fixtureBytes, referenceJson } from '../support/fixtures';
import { dropFiles, openPage, startApp, type AppSession, loadBreastCancerWithSplit } from '../support/app-server';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

const SHOTS = 'test-output/screenshots';
mkdirSync(SHOTS, { recursive: true });

test("LDA in the probe suite reproduces scikit-learn's held-out accuracy and AUROC on breast_cancer", async () => {
  const { page, consoleErrors, foreignRequests } = await openPage(app, '?demo=0');
  await loadBreastCancerWithSplit(page);
  const ref = referenceJson().breast_cancer;

  await page.getByRole('tab', { name: 'Probe suite' }).click();
  await page.selectOption('[data-testid=suite-method]', 'lda');
  await page.click('[data-testid=run-suite]');
  await page.waitForSelector('[data-testid=suite-result][data-method=lda]', { timeout: 120_000 });
  expect(await page.getAttribute('[data-testid=status]', 'data-status')).toBe('done');

  const value = async (id: string) => Number(await page.getAttribute(`[data-testid=${id}]`, 'data-value'));
  expect(Math.abs((await value('suite-test-accuracy')) - ref.lda.test_acc)).toBeLessThanOrEqual(1e-3);
  expect(Math.abs((await value('suite-test-auroc')) - ref.lda.test_auroc)).toBeLessThanOrEqual(1e-3);
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
  const layer0 = await page
    .locator('[data-testid=activations-select] option', { hasText: 'layer_0' })
    .getAttribute('value');
  await page.selectOption('[data-testid=activations-select]', layer0!);
  const labels = await page
    .locator('[data-testid=labels-select] option', { hasText: 'labels' })
    .first()
    .getAttribute('value');
  await page.selectOption('[data-testid=labels-select]', labels!);
  await page.selectOption('[data-testid=suite-method]', 'layer-sweep');
  expect(await page.locator('[data-testid=suite-layers] li').allTextContents()).toEqual(
    [0, 1, 2, 3, 4, 5].map((i) => `layer_${i} [2000 × 32]`),
  );
  await page.click('[data-testid=run-suite]');
  await page.waitForSelector('[data-testid=suite-result][data-method=layer-sweep]', { timeout: 120_000 });
  expect(await page.textContent('[data-testid=suite-result]')).toMatch(/Chosen layer: layer_\d/);
  await page.screenshot({ path: `${SHOTS}/probe-suite-layer-sweep.png`, fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test('a probe sweep draws a layer × setting heat map with intervals on hover; the best cell by CV opens as a full result', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await page.waitForSelector('[data-testid=engine][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  await dropFiles(page, [{ name: 'layers.safetensors', bytes: fixtureBytes('layers.safetensors') }]);
  await page.waitForSelector('[data-testid=files] >> text=layers.safetensors');
  await page.getByRole('tab', { name: 'Probe suite' }).click();
  const layer0 = await page
    .locator('[data-testid=activations-select] option', { hasText: 'layer_0' })
    .getAttribute('value');
  await page.selectOption('[data-testid=activations-select]', layer0!);
  const labels = await page
    .locator('[data-testid=labels-select] option', { hasText: 'labels' })
    .first()
    .getAttribute('value');
  await page.selectOption('[data-testid=labels-select]', labels!);
  await page.selectOption('[data-testid=suite-method]', 'probe-sweep');
  await page.fill('[data-testid=sweep-cs]', '0.01, 1');
  await page.press('[data-testid=sweep-cs]', 'Tab');
  await page.fill('[data-testid=sweep-shrinkages]', '0.5');
  await page.press('[data-testid=sweep-shrinkages]', 'Tab');
  await page.fill('[data-testid=sweep-folds]', '2');
  await page.press('[data-testid=sweep-folds]', 'Tab');
  await page.click('[data-testid=run-suite]');
  await page.waitForSelector('[data-testid=suite-result][data-method=probe-sweep]', { timeout: 240_000 });

  const cells = page.locator('[data-testid=sweep-cell]');
  expect(await cells.count()).toBe(18);
  expect(await page.locator('[data-testid=sweep-heatmap] [role=columnheader]').allTextContents()).toEqual([
    'logistic C=0.01',
    'logistic C=1',
    'lda shrinkage=0.5',
  ]);
  const best = page.locator('[data-testid=sweep-cell][data-best=true]');
  expect(await best.count()).toBe(1);
  expect(await best.textContent()).toMatch(/★/);
  expect(await cells.first().getAttribute('title')).toMatch(
    /held-out accuracy 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\] \(95% bootstrap\)\nCV 0\.\d{3} ± 0\.\d{3} · train 0\.\d{3}/,
  );
  // Deep layers separate the classes far better than layer 0, as the layer sweep shows.
  const value = async (l: number, s: number) =>
    Number(await page.getAttribute(`[data-testid=sweep-cell][data-layer="${l}"][data-setting="${s}"]`, 'data-value'));
  expect(await value(5, 1)).toBeGreaterThan((await value(0, 1)) + 0.2);

  // Opened on the best cell: the full probe result, with the same held-out accuracy as its heat-map cell.
  expect(await page.getAttribute('[data-testid=sweep-selected]', 'data-best')).toBe('true');
  const bestAccuracy = Number(await best.getAttribute('data-value'));
  expect(Number(await page.getAttribute('[data-testid=suite-test-accuracy]', 'data-value'))).toBeCloseTo(
    bestAccuracy,
    12,
  );
  expect(await page.locator('[aria-label*="ROC" i]').count()).toBeGreaterThan(0);

  // The AUROC switch recolours by AUROC; another cell shows its own numbers; the best is one click away.
  await page.check('[data-testid=sweep-metric-auroc]');
  expect(Number(await best.getAttribute('data-value'))).toBeCloseTo(
    Number(await page.getAttribute('[data-testid=suite-test-auroc]', 'data-value')),
    12,
  );
  await page.click('[data-testid=sweep-cell][data-layer="0"][data-setting="0"]');
  expect(await page.getAttribute('[data-testid=sweep-selected]', 'data-best')).toBe('false');
  expect(Number(await page.getAttribute('[data-testid=sweep-cell-test-auroc]', 'data-value'))).toBe(await value(0, 0));
  await page.screenshot({ path: `${SHOTS}/probe-suite-probe-sweep-cell.png`, fullPage: true });
  await page.click('[data-testid=sweep-open-best]');
  expect(await page.getAttribute('[data-testid=sweep-selected]', 'data-best')).toBe('true');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '.safetensors', exact: true }).click();
  expect((await download).suggestedFilename()).toMatch(/^probe-layer_\d\.safetensors$/);
  await page.locator('[data-testid=sweep-heatmap]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/probe-suite-probe-sweep.png`, fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test('LDA with a group split holds out whole lande sources, and a separate evaluation file gets a gap column', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await page.waitForSelector('[data-testid=engine][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  const demo = (name: string) => new Uint8Array(readFileSync(`public/demo/${name}`));
  await dropFiles(
    page,
    ['lande_hidden_4000.npy', 'lande_lang_4000.npy', 'lande_meta_4000.jsonl'].map((name) => ({
      name,
      bytes: demo(name),
    })),
  );
  await page.waitForSelector('[data-testid=files] >> text=lande_meta_4000.jsonl');
  await page.getByRole('tab', { name: 'Probe suite' }).click();
  const labels = await page
    .locator('[data-testid=labels-select] option', { hasText: 'lande_lang_4000.npy' })
    .first()
    .getAttribute('value');
  await page.selectOption('[data-testid=labels-select]', labels!);
  await page.selectOption('[data-testid=split-select]', 'group');
  // The column named 'source' is chosen by default.
  expect(await page.locator('[data-testid=group-column] option:checked').textContent()).toMatch(/source/);
  await page.fill('[data-testid=group-fraction]', '0.3');
  await page.dispatchEvent('[data-testid=group-fraction]', 'change');
  await page.selectOption('[data-testid=suite-method]', 'lda');
  await page.getByLabel('Covariance shrinkage').selectOption('ledoit-wolf');
  // Few bootstrap resamples: 11-class AUROC intervals over three evaluated sides are the slow part on SwiftShader's CPU.
  await page.click('text=Evaluation');
  await page.getByLabel('Bootstrap resamples').fill('50');
  await page.getByLabel('Bootstrap resamples').dispatchEvent('change');
  await page.check('[data-testid=external-toggle]');
  const acts = await page
    .locator('[data-testid=external-activations] option', { hasText: 'lande_hidden_4000.npy' })
    .first()
    .getAttribute('value');
  await page.selectOption('[data-testid=external-activations]', acts!);
  await page.selectOption('[data-testid=external-labels]', labels!);
  await page.click('[data-testid=run-suite]');
  await page.waitForSelector('[data-testid=suite-result][data-method=lda]', { timeout: 120_000 });
  expect(await page.getAttribute('[data-testid=status]', 'data-status')).toBe('done');
  // Held-out rows are whole groups: about 30% of the 220 sources, not 30% of rows at random.
  const header = await page.textContent('[data-testid=suite-metrics] thead');
  const heldOut = Number(/held-out \((\d+)\)/.exec(header!)![1]);
  expect(heldOut).toBeGreaterThan(200);
  expect(heldOut).toBeLessThan(3800);
  expect(header).toMatch(/lande_hidden_4000\.npy \(4000\)/);
  expect(header).toMatch(/gap/);
  expect(Number(await page.getAttribute('[data-testid=suite-test-accuracy]', 'data-value'))).toBeGreaterThan(0.5);
  await page.screenshot({ path: `${SHOTS}/probe-suite-group-split.png`, fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test('a transfer matrix across two loaded files (trusted × untrusted) trains on each and evaluates on each', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await page.waitForSelector('[data-testid=engine][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  const bytes = fixtureBytes('breast_cancer.npz');
  await dropFiles(page, [
    { name: 'trusted.npz', bytes },
    { name: 'untrusted.npz', bytes },
  ]);
  await page.waitForSelector('[data-testid=files] >> text=untrusted.npz');
  await page.getByRole('tab', { name: 'Probe suite' }).click();
  await page.selectOption('[data-testid=suite-method]', 'transfer');
  await page.selectOption('[data-testid=transfer-source]', 'sets');
  const opt = async (sel: string, text: string) =>
    page.locator(`${sel} option`, { hasText: text }).first().getAttribute('value');
  const sets = page.locator('[data-testid=transfer-sets] li');
  await sets
    .nth(0)
    .locator('[data-testid=transfer-set-activations]')
    .selectOption((await opt('[data-testid=transfer-set-activations]', 'trusted.npz › X'))!);
  await sets
    .nth(0)
    .locator('[data-testid=transfer-set-labels]')
    .selectOption((await opt('[data-testid=transfer-set-labels]', 'trusted.npz › y'))!);
  await sets
    .nth(1)
    .locator('[data-testid=transfer-set-activations]')
    .selectOption((await opt('[data-testid=transfer-set-activations]', 'untrusted.npz › X'))!);
  await sets
    .nth(1)
    .locator('[data-testid=transfer-set-labels]')
    .selectOption((await opt('[data-testid=transfer-set-labels]', 'untrusted.npz › y'))!);
  await page.click('[data-testid=run-suite]');
  await page.waitForSelector('[data-testid=suite-result][data-method=transfer]', { timeout: 120_000 });
  expect(await page.locator('canvas[aria-label="Transfer matrix of accuracy"]').count()).toBe(1);
  // A transfer run is kept with its own-set and other-set means.
  await page.waitForSelector('[data-testid=run-row][data-method=transfer]');
  expect(
    Number(
      await page.getAttribute('[data-testid=run-row][data-method=transfer] [data-testid=run-metric]', 'data-test'),
    ),
  ).toBeGreaterThan(0.9);
  await page.screenshot({ path: `${SHOTS}/probe-suite-transfer-sets.png`, fullPage: true });
  expect(consoleErrors).toEqual([]);
});
