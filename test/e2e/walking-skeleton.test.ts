// The walking skeleton end to end: the built app in headless Chromium on WebGPU, driven like a user.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright';
import { mkdirSync, readFileSync } from 'node:fs';
import { fixtureBytes, referenceJson } from '../support/fixtures';
import { hostileCorpus } from '../core/formats/hostile-corpus';
import { dropFiles, openPage, startApp, type AppSession } from '../support/app-server';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

const SHOTS = 'test-output/screenshots';
mkdirSync(SHOTS, { recursive: true });

const splitFile = (ref: { train_idx: number[]; test_idx: number[] }) => ({
  name: 'breast_cancer_split.json',
  bytes: new TextEncoder().encode(JSON.stringify({ train_idx: ref.train_idx, test_idx: ref.test_idx })),
});

async function waitForEngine(page: Page): Promise<string> {
  await page.waitForSelector('[data-testid=engine][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  return (await page.getAttribute('[data-testid=engine]', 'data-backend'))!;
}

async function heldOutAccuracy(page: Page): Promise<number> {
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
  return Number(await page.getAttribute('[data-testid=test-accuracy]', 'data-value'));
}

test("drop breast_cancer with its reference split, train on WebGPU, and see scikit-learn's held-out accuracy", async () => {
  const { page, consoleErrors, foreignRequests } = await openPage(app, '?demo=0');
  expect(await waitForEngine(page)).toBe('webgpu');
  // vite preview serves COOP/COEP (vite.config.ts), and the app still loads everything under require-corp.
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  const ref = referenceJson().breast_cancer;
  await dropFiles(page, [{ name: 'breast_cancer.npz', bytes: fixtureBytes('breast_cancer.npz') }, splitFile(ref)]);
  await page.waitForSelector('[data-testid=files] >> text=breast_cancer_split.json');
  await expect.poll(() => page.inputValue('[data-testid=split-select]')).not.toBe('random');
  await page.click('[data-testid=train]');
  const acc = await heldOutAccuracy(page);
  expect(Math.abs(acc - ref.logreg_C1.test_acc)).toBeLessThanOrEqual(0.01);
  await page.screenshot({ path: `${SHOTS}/breast-cancer-trained.png` });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[aria-label="save Accuracy as PNG"]'),
  ]);
  expect(download.suggestedFilename()).toBe('Accuracy.png');
  const png = readFileSync((await download.path())!);
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  // Live tuning: moving C retrains at once and the page shows the new run's numbers, not the old one's.
  await page.fill('[aria-label="C (inverse L2 strength, scikit-learn) value"]', '0.01');
  await page.press('[aria-label="C (inverse L2 strength, scikit-learn) value"]', 'Tab');
  await page.waitForSelector('[data-testid=status][data-status=running], [data-testid=status][data-status=queued]', {
    timeout: 10_000,
  });
  const acc001 = await heldOutAccuracy(page);
  expect(Math.abs(acc001 - ref['logreg_C0.01'].test_acc)).toBeLessThanOrEqual(0.01);
  expect(consoleErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});

test('bad files get a message naming the file and the problem, and what was loaded keeps working', async () => {
  const { page } = await openPage(app, '?demo=0');
  await waitForEngine(page);
  const input = page.locator('[data-testid=file-input]');
  await input.setInputFiles([
    {
      name: 'digits_f32.npy',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(fixtureBytes('digits_f32.npy')),
    },
    {
      name: 'digits_labels.npy',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(fixtureBytes('digits_labels.npy')),
    },
  ]);
  await page.waitForSelector('[data-testid=files] >> text=digits_labels.npy');

  await input.setInputFiles({
    name: 'notes.npy',
    mimeType: 'text/plain',
    buffer: Buffer.from('these are not activations\n'),
  });
  await expect.poll(() => page.textContent('[data-testid=errors]')).toMatch(/notes\.npy: not a \.npy file/);
  await input.setInputFiles({
    name: 'bad_truncated.npy',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(fixtureBytes('bad_truncated.npy')),
  });
  await expect
    .poll(() => page.textContent('[data-testid=errors]'))
    .toMatch(/bad_truncated\.npy: truncated.*byte offset/);

  // Hostile files from the generated corpus: a header nested 200,000 deep, a pickle whose shared lists multiply
  // into 2^60 keys, and 32 zip entries over one member. Each is refused by name; nothing loaded before is lost.
  const hostile = ['deep.safetensors', 'tensor-doubling.pt', 'same-offset.npz'];
  const files = [];
  for (const c of hostileCorpus().filter((h) => hostile.includes(h.name))) {
    const source = await c.make();
    files.push({
      name: c.name,
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(await source.read(0, source.size)),
    });
  }
  await input.setInputFiles(files);
  await expect.poll(() => page.textContent('[data-testid=errors]')).toMatch(/deep\.safetensors: .*nested deeper/);
  await expect
    .poll(() => page.textContent('[data-testid=errors]'))
    .toMatch(/tensor-doubling\.pt: more than 200000 tensors/);
  await expect
    .poll(() => page.textContent('[data-testid=errors]'))
    .toMatch(/same-offset\.npz: .*(overlap|central directory)/);

  // Labels of the wrong length, chosen by hand: the page says why in place, and Train waits for a fix.
  await input.setInputFiles({
    name: 'breast_cancer.npz',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(fixtureBytes('breast_cancer.npz')),
  });
  await page.waitForSelector('[data-testid=files] >> text=breast_cancer.npz');
  // The dropped file became the selection; the digits activations are chosen again by hand.
  const digits = await page
    .locator('[data-testid=activations-select] option', { hasText: 'digits_f32.npy' })
    .getAttribute('value');
  await page.selectOption('[data-testid=activations-select]', digits!);
  const bcLabels = await page
    .locator('[data-testid=labels-select] option', { hasText: 'breast_cancer.npz › y' })
    .getAttribute('value');
  await page.selectOption('[data-testid=labels-select]', bcLabels!);
  expect(await page.textContent('[data-testid=labels-problem]')).toMatch(
    /breast_cancer\.npz › y\) have 569 rows but the activations have 1797/,
  );
  expect(await page.isDisabled('[data-testid=train]')).toBe(true);
  expect(await page.textContent('[data-testid=missing]')).toMatch(/569 rows/);
  await page.screenshot({ path: `${SHOTS}/bad-input.png` });

  const digitsLabels = await page
    .locator('[data-testid=labels-select] option', { hasText: 'digits_labels.npy' })
    .getAttribute('value');
  await page.selectOption('[data-testid=labels-select]', digitsLabels!);
  await page.click('[data-testid=train]');
  const acc = await heldOutAccuracy(page);
  expect(acc).toBeGreaterThan(0.9);
  expect(await page.locator('[data-testid=files] > li').count()).toBe(3);
});

test("?budget= sets the file readers' budgets for the page (and a bad one is named)", async () => {
  const { page } = await openPage(app, '?demo=0&budget=tableCells=10');
  await waitForEngine(page);
  await page.locator('[data-testid=file-input]').setInputFiles({
    name: 'digits_labels.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(fixtureBytes('digits_labels.csv')),
  });
  await expect
    .poll(() => page.textContent('[data-testid=errors]'))
    .toMatch(/digits_labels\.csv: the table has more than 10 cells \(budget tableCells=10;/);
  const bad = await openPage(app, '?demo=0&budget=cells=1');
  await expect.poll(() => bad.page.textContent('[data-testid=errors]')).toMatch(/\?budget=: budget 'cells=1' is not/);
});

test('the start page opens on the built-in demo and trains it', async () => {
  const { page, consoleErrors, foreignRequests } = await openPage(app);
  await waitForEngine(page);
  await page.waitForSelector('[data-testid=files] >> text=lande_hidden_4000.npy');
  await page.waitForSelector('[data-testid=files] >> text=lande_lang_classes.json');
  expect(await page.locator('[data-testid=errors]').count()).toBe(0);
  await page.getByLabel('Max iterations').fill('30');
  await page.getByLabel('Max iterations').press('Tab');
  await page.click('[data-testid=train]');
  const acc = await heldOutAccuracy(page);
  expect(acc).toBeGreaterThan(0.8);
  expect(await page.textContent('[aria-labelledby=results-heading]')).toMatch(/11 classes \(bul, ces, cmn, deu, eng/);
  await page.screenshot({ path: `${SHOTS}/demo.png` });
  expect(consoleErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});

test('without WebGPU the page says so plainly and trains on the CPU backend', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0', await app.browserWithoutWebGPU());
  expect(await waitForEngine(page)).toBe('cpu');
  expect(await page.textContent('[data-testid=engine]')).toMatch(/CPU fallback \(.*WebGPU.*\)/);
  const ref = referenceJson().breast_cancer;
  await dropFiles(page, [{ name: 'breast_cancer.npz', bytes: fixtureBytes('breast_cancer.npz') }, splitFile(ref)]);
  await expect.poll(() => page.inputValue('[data-testid=split-select]')).not.toBe('random');
  await page.click('[data-testid=train]');
  const acc = await heldOutAccuracy(page);
  expect(Math.abs(acc - ref.logreg_C1.test_acc)).toBeLessThanOrEqual(0.01);
  expect(consoleErrors).toEqual([]);
});

test('choosing the CPU engine on a WebGPU page restarts the engine as the CPU, says so, and trains there', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  expect(await waitForEngine(page)).toBe('webgpu');
  await page.selectOption('[data-testid=engine-choice]', 'cpu');
  await page.waitForSelector('[data-testid=engine][data-backend=cpu][data-reason=user-choice]', { timeout: 60_000 });
  expect(await page.textContent('[data-testid=engine]')).toMatch(/^\s*CPU \(chosen\)/);
  const ref = referenceJson().breast_cancer;
  await dropFiles(page, [{ name: 'breast_cancer.npz', bytes: fixtureBytes('breast_cancer.npz') }, splitFile(ref)]);
  await expect.poll(() => page.inputValue('[data-testid=split-select]')).not.toBe('random');
  await page.click('[data-testid=train]');
  const acc = await heldOutAccuracy(page);
  expect(Math.abs(acc - ref.logreg_C1.test_acc)).toBeLessThanOrEqual(0.01);
  // And back: the GPU again when present.
  await page.selectOption('[data-testid=engine-choice]', 'auto');
  await page.waitForSelector('[data-testid=engine][data-backend=webgpu]', { timeout: 60_000 });
  expect(consoleErrors).toEqual([]);
});
