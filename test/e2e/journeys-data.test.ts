// Journeys through the data: dropped files become the selection with their own class names (the demo stays
// loaded, unselected); row texts attach only when their rows are the activations' rows; PCA's legend reads in
// the classes' natural order and one outlier does not squash the scatter. An empty page says why Train waits.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright';
import { dropFiles, openPage, startApp, type AppSession } from '../support/app-server';
import { chosen, screenshot, setNumber, waitForEngine } from '../support/page-actions';
import { syntheticSet } from '../support/synthetic-set';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

const set = syntheticSet();

async function openOnDemo(): Promise<{ page: Page; consoleErrors: string[] }> {
  const opened = await openPage(app);
  await waitForEngine(opened.page);
  await expect
    .poll(() => chosen(opened.page, '[data-testid=class-names-select]'), { timeout: 60_000 })
    .toMatch(/lande_lang_classes\.json/);
  return opened;
}

test('an empty page says why Train waits', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await waitForEngine(page);
  expect(await page.isDisabled('[data-testid=train]')).toBe(true);
  expect(await page.textContent('[data-testid=missing]')).toMatch(/To train: choose activations and labels/);
  await page.getByRole('tab', { name: /Sparse autoencoder/ }).click();
  expect(await page.textContent('[data-testid=missing]')).toMatch(/choose activations/);
  expect(consoleErrors).toEqual([]);
});

test('dropped files become the selection and their classes are named by their own data, never the demo', async () => {
  const { page, consoleErrors } = await openOnDemo();
  expect(await chosen(page, '[data-testid=activations-select]')).toMatch(/lande_hidden_4000\.npy/);

  await dropFiles(page, [set.activations, set.labels]);
  await expect.poll(() => chosen(page, '[data-testid=activations-select]')).toMatch(/acts_640\.npy \[640 × 24\]/);
  expect(await chosen(page, '[data-testid=labels-select]')).toMatch(/acts_640_labels\.npy \[640\]/);
  expect(await chosen(page, '[data-testid=class-names-select]')).toMatch(/from the labels/);
  expect(await chosen(page, '[data-testid=row-meta-select]')).toBe('none');
  // The demo is still there, just not selected.
  expect(await page.locator('[data-testid=files] li', { hasText: 'lande_hidden_4000.npy' }).count()).toBe(1);

  await setNumber(page, /^Max iterations/, '40');
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
  const results = await page.textContent('[aria-labelledby=results-heading]');
  expect(results).toMatch(/16 classes \(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …\)/);
  expect(results).not.toMatch(/bul|deu|eng/);
  expect(Number(await page.getAttribute('[data-testid=test-accuracy]', 'data-value'))).toBeGreaterThan(0.8);
  await expect.poll(() => page.locator('[data-testid=run-name]').first().textContent()).toMatch(/acts_640\.npy/);

  // The set's own class names, dropped next, name its classes (the probe retrains live).
  await dropFiles(page, [set.classNames]);
  await expect
    .poll(() => chosen(page, '[data-testid=class-names-select]'))
    .toMatch(/acts_640_classes\.json \(16 names\)/);
  await expect
    .poll(() => page.textContent('[aria-labelledby=results-heading]'), { timeout: 120_000 })
    .toMatch(/16 classes \(topic00, topic01, topic02/);
  await screenshot(page, 'journey-2-dropped-set-selected');

  // The demo's 11 names can be chosen by hand, but never applied to 16 classes: the run says why.
  const demoNames = await page
    .locator('[data-testid=class-names-select] option', { hasText: 'lande_lang_classes.json' })
    .getAttribute('value');
  await page.selectOption('[data-testid=class-names-select]', demoNames!);
  await page.waitForSelector('[data-testid=status][data-status=error]', { timeout: 60_000 });
  expect(await page.textContent('[data-testid=status]')).toMatch(/11 names but the labels have 16 classes/);
  expect(consoleErrors).toEqual([]);
});

test("the feature browser shows the dropped set's own texts; another dataset's rows never attach", async () => {
  const { page, consoleErrors } = await openOnDemo();
  await dropFiles(page, [set.activations, set.labels, set.meta]);
  await expect.poll(() => chosen(page, '[data-testid=row-meta-select]')).toMatch(/acts_640_meta\.jsonl \[640\]/);
  expect(await page.textContent('[data-testid=row-meta-attached]')).toMatch(/acts_640_meta\.jsonl › text/);

  // Choosing the demo's metadata by hand: its 4000 rows cannot be the 640 activations' rows, said in place.
  const demoMeta = await page
    .locator('[data-testid=row-meta-select] option', { hasText: 'lande_meta_4000.jsonl' })
    .getAttribute('value');
  await page.selectOption('[data-testid=row-meta-select]', demoMeta!);
  expect(await page.textContent('[data-testid=row-meta-problem]')).toMatch(
    /lande_meta_4000\.jsonl has 4000 rows but the activations have 640: its texts are not attached/,
  );
  const own = await page
    .locator('[data-testid=row-meta-select] option', { hasText: 'acts_640_meta.jsonl' })
    .getAttribute('value');
  await page.selectOption('[data-testid=row-meta-select]', own!);

  await page.getByRole('tab', { name: /Sparse autoencoder/ }).click();
  await setNumber(page, /^Dictionary size m/, '32');
  await setNumber(page, /^k\b/, '4');
  await setNumber(page, /^Batch size/, '64');
  await setNumber(page, /^Steps/, '20');
  await setNumber(page, /^Held-out metrics every/, '10');
  await page.click('[data-testid=train-sae]');
  await page.waitForSelector('[data-testid=sae-result]', { timeout: 240_000 });
  const top = await page.locator('.browser ol li').allTextContents();
  expect(top.length).toBeGreaterThan(0);
  for (const row of top) {
    // Each top row: its own text and its own class name (the set's labels, named by value here).
    expect(row).toMatch(/row \d+ \[\d+\]: synthetic row \d+ about topic\d\d/);
    expect(row).not.toMatch(/bul|ces|cmn|deu|eng|ita|pol|por|rus|slk|spa/);
  }
  await screenshot(page, 'journey-3-feature-browser-own-texts');
  expect(consoleErrors).toEqual([]);
});

test("PCA's legend follows the classes' natural order, and one outlier is drawn at the edge, not squashing the rest", async () => {
  const { page, consoleErrors } = await openOnDemo();
  await page.getByRole('tab', { name: 'PCA' }).click();
  await page.click('[data-testid=run-analysis]');
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
  expect(await page.locator('[data-testid=pca-legend] li').allTextContents()).toEqual([
    'bul',
    'ces',
    'cmn',
    'deu',
    'eng',
    'ita',
    'pol',
    'por',
    'rus',
    'slk',
    'spa',
  ]);

  // A set with 16 unnamed classes and one row a thousand times too large: the PCA tab reruns on it at once.
  const withOutlier = syntheticSet({ name: 'outlier_640', outlier: 1000 });
  await dropFiles(page, [withOutlier.activations, withOutlier.labels]);
  await expect
    .poll(() => page.locator('[data-testid=pca-legend] li').allTextContents(), { timeout: 120_000 })
    .toEqual(Array.from({ length: 16 }, (_, i) => String(i)));
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
  expect(Number(await page.getAttribute('[data-testid=pca-clipped]', 'data-count'))).toBeGreaterThanOrEqual(1);
  expect(await page.textContent('[data-testid=pca-clipped]')).toMatch(/drawn at the edge/);
  await page.locator('[aria-label="projection scatter"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'journey-7-pca-natural-order-outlier');
  expect(consoleErrors).toEqual([]);
});

test('at 1280 × 800 no panel overflows, whichever tab and probe-suite method is open', async () => {
  const { page, consoleErrors } = await openOnDemo();
  const overflowing = () =>
    page.$$eval('.panel', (panels) =>
      panels
        .filter((p) => p.scrollWidth > p.clientWidth + 1)
        .map((p) => p.querySelector('h2')?.textContent ?? p.className),
    );
  await page.getByRole('tab', { name: 'Probe suite' }).click();
  for (const method of [
    'logistic',
    'lda',
    'ccs',
    'layer-sweep',
    'probe-sweep',
    'regularization-path',
    'transfer',
    'apply-probe',
  ]) {
    await page.selectOption('[data-testid=suite-method]', method);
    if (method === 'transfer') await page.selectOption('[data-testid=transfer-source]', 'sets');
    expect(await overflowing(), method).toEqual([]);
  }
  await screenshot(page, 'journey-8-suite-transfer-sets-fit');
  for (const tab of ['logistic', 'sae', 'detector', 'erasure', 'pca', 'stats']) {
    await page.click(`[data-tab=${tab}]`);
    expect(await overflowing(), tab).toEqual([]);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  expect(consoleErrors).toEqual([]);
});
