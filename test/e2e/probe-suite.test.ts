// The probe suite from the page: drop breast_cancer with scikit-learn's split, choose LDA in the Probe suite tab,
// run, and read held-out accuracy and AUROC matching scikit-learn's LinearDiscriminantAnalysis.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { fixtureBytes, referenceJson } from '../support/fixtures';
import type { Page } from 'playwright';
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

/** A fresh page with layers.safetensors dropped, the Probe suite open on layer_0 and its labels. */
async function openLayersInSuite(): Promise<{ page: Page; consoleErrors: string[] }> {
  const opened = await openPage(app, '?demo=0');
  const { page } = opened;
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
  return opened;
}

test('a layer sweep lists every layer of layers.safetensors and picks one on validation rows', async () => {
  const { page, consoleErrors } = await openLayersInSuite();
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

/** What the live grid showed at one DOM change: the job's status, cells in, running and starred, their values. */
interface GridState {
  status: string | null;
  filled: number;
  total: number;
  running: number;
  best: number;
  values: Record<string, string>;
}

/** Records every DOM state of the running probe sweep's grid, so the test reads the sequence, not the clock. */
async function recordLiveGrid(page: Page): Promise<void> {
  await page.evaluate(() => {
    const states: GridState[] = [];
    (window as unknown as { gridStates: GridState[] }).gridStates = states;
    const record = () => {
      const live = document.querySelector('[data-testid=sweep-live]');
      if (!live) return;
      const cells = [...live.querySelectorAll('[data-testid=sweep-cell]')];
      const values: Record<string, string> = {};
      for (const c of cells)
        if (c.getAttribute('data-state') === 'done')
          values[`${c.getAttribute('data-layer')},${c.getAttribute('data-setting')}`] = c.getAttribute('data-value')!;
      states.push({
        status: document.querySelector('[data-testid=status]')?.getAttribute('data-status') ?? null,
        filled: Number(live.getAttribute('data-filled')),
        total: Number(live.getAttribute('data-total')),
        running: cells.filter((c) => c.getAttribute('data-state') === 'running').length,
        best: cells.filter((c) => c.getAttribute('data-best') === 'true').length,
        values,
      });
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  });
}

test('a probe sweep fills its heat map cell by cell while it runs, keeps it in the Runs list, and re-opens it after a reload', async () => {
  const { page, consoleErrors } = await openLayersInSuite();
  await page.selectOption('[data-testid=suite-method]', 'probe-sweep');
  await page.fill('[data-testid=sweep-cs]', '0.01, 1');
  await page.press('[data-testid=sweep-cs]', 'Tab');
  await page.fill('[data-testid=sweep-shrinkages]', '0.5');
  await page.press('[data-testid=sweep-shrinkages]', 'Tab');
  await page.fill('[data-testid=sweep-folds]', '2');
  await page.press('[data-testid=sweep-folds]', 'Tab');
  await recordLiveGrid(page);
  await page.click('[data-testid=run-suite]');
  // A picture of the grid part-filled, when the page is caught there (the assertions below do not depend on it).
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid=sweep-live] [data-state=done]') ||
      document.querySelector('[data-testid=suite-result]'),
    undefined,
    { timeout: 240_000 },
  );
  if (await page.locator('[data-testid=sweep-live]').count())
    await page.screenshot({ path: `${SHOTS}/probe-suite-probe-sweep-live.png`, fullPage: true });
  await page.waitForSelector('[data-testid=suite-result][data-method=probe-sweep]', { timeout: 240_000 });

  // While the job still ran, the grid showed some cells and not others: one being fitted, the best so far starred.
  const states = await page.evaluate(() => (window as unknown as { gridStates: GridState[] }).gridStates);
  const partway = states.filter((s) => s.status === 'running' && s.filled >= 1 && s.filled < s.total);
  expect(partway.length).toBeGreaterThan(0);
  for (const s of partway) {
    expect(s.total).toBe(18);
    expect(s.running).toBe(1);
    expect(s.best).toBe(1);
    expect(Object.keys(s.values)).toHaveLength(s.filled);
  }
  // Cells only ever fill in; each value shown live is the finished grid's value of that cell.
  states.slice(1).forEach((s, i) => expect(s.filled).toBeGreaterThanOrEqual(states[i].filled));
  const streamed = Object.assign({}, ...states.map((s) => s.values)) as Record<string, string>;
  expect(Object.keys(streamed).length).toBeGreaterThanOrEqual(partway.at(-1)!.filled);
  for (const [key, v] of Object.entries(streamed)) {
    const [l, s] = key.split(',');
    expect(
      await page.getAttribute(`[data-testid=sweep-cell][data-layer="${l}"][data-setting="${s}"]`, 'data-value'),
      key,
    ).toBe(v);
  }

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

  // The sweep is a run: its grid, size and best cell in the list; kept across a reload; re-opened untrained.
  const row = page.locator('[data-testid=run-row][data-method=probe-sweep]');
  await row.waitFor();
  const grid = row.locator('[data-testid=run-grid]');
  expect(await grid.getAttribute('data-size')).toBe('18');
  expect(await grid.textContent()).toMatch(
    /6 layers × logistic C=0\.01, logistic C=1, lda shrinkage=0\.5 \(18 cells\)/,
  );
  expect(await row.textContent()).toMatch(/best cell layer_\d · /);
  const bestCell = { layer: await best.getAttribute('data-layer'), setting: await best.getAttribute('data-setting') };
  await page.reload();
  await page.waitForSelector('[data-testid=engine][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  await page.click('[data-testid=run-row][data-method=probe-sweep] [data-testid=run-open]');
  await page.waitForSelector('[data-testid=suite-result][data-method=probe-sweep]');
  expect(await page.textContent('[data-testid=opened-run]')).toMatch(/nothing was retrained/);
  expect(await page.getAttribute('[data-testid=status]', 'data-status')).toBe('idle');
  expect(await cells.count()).toBe(18);
  const reopened = page.locator('[data-testid=sweep-cell][data-best=true]');
  expect(await reopened.getAttribute('data-layer')).toBe(bestCell.layer);
  expect(await reopened.getAttribute('data-setting')).toBe(bestCell.setting);
  expect(Number(await reopened.getAttribute('data-value'))).toBe(bestAccuracy);
  expect(await page.locator('[data-testid=sweep-cell]').first().getAttribute('title')).toMatch(/95% bootstrap/);
  await page.screenshot({ path: `${SHOTS}/probe-suite-probe-sweep-reopened.png`, fullPage: true });
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
