// Sparse autoencoders from the page: drop planted activations, train a tiny TopK SAE, see training and held-out
// FVU side by side, change the learning rate mid-run (the page says the run continued), and export SAELens.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { fixtureBytes } from '../support/fixtures';
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

test('a tiny TopK SAE trains on planted features, continues through a learning-rate change, and exports SAELens', async () => {
  const { page, consoleErrors, foreignRequests } = await openPage(app, '?demo=0');
  await page.waitForSelector('[data-testid=engine][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  await dropFiles(page, [{ name: 'planted_acts.npy', bytes: fixtureBytes('planted_acts.npy') }]);
  await page.waitForSelector('[data-testid=files] >> text=planted_acts.npy');

  await page.getByRole('tab', { name: 'Sparse autoencoder' }).click();
  const setNumber = async (label: RegExp, value: string) => {
    const input = page.getByRole('spinbutton', { name: label });
    await input.fill(value);
    await input.press('Tab');
  };
  await setNumber(/^Dictionary size m/, '128');
  await setNumber(/^k\b/, '4');
  // Tiny on purpose: SwiftShader runs about 3 steps a second here.
  await setNumber(/^Batch size/, '64');
  await setNumber(/^Steps/, '40');
  await setNumber(/^Held-out metrics every/, '10');
  await page.click('[data-testid=train-sae]');

  // Mid-run: once a few steps have been reported, a learning-rate edit reaches the running job and continues it.
  await page.waitForSelector('[data-testid=status][data-status=running]', { timeout: 60_000 });
  await expect.poll(() => page.textContent('[data-testid=status]'), { timeout: 60_000 }).toMatch(/step \d+/);
  await setNumber(/^Learning rate.*value$/, '0.002');
  await expect.poll(() => page.textContent('[data-testid=sae-edit-note]'), { timeout: 30_000 }).toMatch(/continued/);
  // The step count went on from where it was rather than starting again at 0.
  const stepAt = Number((await page.textContent('[data-testid=sae-edit-note]'))!.match(/from step (\d+)/)?.[1]);
  expect(stepAt).toBeGreaterThan(0);

  // Held-out rows are the Data panel's 25%: evaluating them is most of a tiny run's time on SwiftShader.
  await page.waitForSelector('[data-testid=sae-result]', { timeout: 180_000 });
  expect(await page.getAttribute('[data-testid=status]', 'data-status')).toBe('done');
  expect(await page.textContent('[data-testid=sae-result]')).toMatch(/Trained 40 steps/);
  const value = async (id: string) => Number(await page.getAttribute(`[data-testid=${id}]`, 'data-value'));
  const trainFvu = await value('sae-train-fvu');
  const testFvu = await value('sae-test-fvu');
  expect(Number.isFinite(trainFvu) && Number.isFinite(testFvu)).toBe(true);
  expect(trainFvu).toBeGreaterThan(0);
  expect(testFvu).toBeLessThan(1);
  await page.screenshot({ path: `${SHOTS}/sae-trained.png`, fullPage: true });

  const downloads: { name: string; path: string }[] = [];
  page.on('download', async (d) => downloads.push({ name: d.suggestedFilename(), path: (await d.path())! }));
  await page.click('[data-testid=sae-export]');
  await expect
    .poll(() => downloads.map((d) => d.name).sort())
    .toEqual(['cfg.json', 'probelab_summary.json', 'sae_weights.safetensors']);
  await expect.poll(() => downloads.every((d) => d.path)).toBe(true);
  const cfg = JSON.parse(readFileSync(downloads.find((d) => d.name === 'cfg.json')!.path, 'utf8'));
  expect(cfg.d_in).toBe(64);
  expect(cfg.d_sae).toBe(128);
  // The hand-off to a cluster trainer: SAELens 6 runner config, launcher and README, from the same run.
  await page.click('[data-testid=scale-out-saelens]');
  await expect
    .poll(() =>
      downloads
        .map((d) => d.name)
        .filter((n) => /saelens/i.test(n))
        .sort(),
    )
    .toEqual(['README_saelens.md', 'saelens_runner_cfg.json', 'train_saelens.py']);
  await expect.poll(() => downloads.every((d) => d.path)).toBe(true);
  const runner = JSON.parse(readFileSync(downloads.find((d) => d.name === 'saelens_runner_cfg.json')!.path, 'utf8'));
  expect(runner.sae).toMatchObject({ d_in: 64, d_sae: 128, k: 4 });
  expect(runner.train_batch_size_tokens).toBe(64);
  // The decoder's singular values, computed in the worker: the full spectrum of a 128 × 64 decoder.
  await page.click('[data-testid=decoder-svd]');
  await expect
    .poll(() => page.textContent('[data-testid=decoder-svd-summary]').catch(() => ''), { timeout: 60_000 })
    .toMatch(/Top 64 of 64/);
  // The finished run is kept in the Runs list with its held-out FVU beside the training one.
  await expect.poll(() => page.locator('[data-testid=run-row]').count()).toBe(1);
  expect(await page.textContent('[data-testid=run-row]')).toMatch(/sae topk/);
  expect(consoleErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});

test('a dictionary_learning ae.pt with its config.json imports on the page and evaluates as the library encodes', async () => {
  const { page, consoleErrors, foreignRequests } = await openPage(app, '?demo=0');
  await page.waitForSelector('[data-testid=engine][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  await dropFiles(page, [{ name: 'acts.npy', bytes: fixtureBytes('sae-layouts/acts.npy') }]);
  await page.waitForSelector('[data-testid=files] >> text=acts.npy');
  await page.getByRole('tab', { name: 'Sparse autoencoder' }).click();
  const file = (name: string) => ({
    name,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(fixtureBytes(`sae-layouts/dl-topk/${name}`)),
  });
  // Without config.json AutoEncoderTopK and BatchTopKSAE cannot be told apart: the page says so.
  await page.setInputFiles('[data-testid=dictionary-input]', [file('ae.pt')]);
  await expect.poll(() => page.textContent('section[aria-labelledby=sae-heading]')).toMatch(/trainer\.dict_class/);
  await page.setInputFiles('[data-testid=dictionary-input]', [file('ae.pt'), file('config.json')]);
  await expect
    .poll(() => page.textContent('[data-testid=dictionary-summary]'))
    .toMatch(/dictionary_learning\s+AutoEncoderTopK, encoded as topk, d_in 8,\s+d_sae 16/);
  await page.click('[data-testid=evaluate-dictionary]');
  await page.waitForSelector('[data-testid=sae-result]', { timeout: 60_000 });
  expect(await page.textContent('[data-testid=sae-result]')).toMatch(/Evaluated an imported dictionary/);
  // Top-k with k = 3 on every row (the library's reference codes have exactly 3 nonzero per row).
  expect(Number(await page.getAttribute('[data-testid=sae-test-l0]', 'data-value'))).toBe(3);
  expect(consoleErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});
