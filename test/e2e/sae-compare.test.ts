// The way back from a cluster run: a dictionary in a library's own layout is imported, evaluated on the same
// held-out rows as the run trained on the page, and the two are compared side by side (FVU, L0, dead fraction,
// decoder matching both ways).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fixtureBytes } from '../support/fixtures';
import { dropFiles, openPage, startApp, type AppSession } from '../support/app-server';
import { screenshot, setNumber, waitForEngine } from '../support/page-actions';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

test('an imported sparsify dictionary and a run trained on the page compare side by side', async () => {
  const { page, consoleErrors, foreignRequests } = await openPage(app, '?demo=0');
  await waitForEngine(page);
  await dropFiles(page, [{ name: 'acts.npy', bytes: fixtureBytes('sae-layouts/acts.npy') }]);
  await page.waitForSelector('[data-testid=files] >> text=acts.npy');
  await page.getByRole('tab', { name: 'Sparse autoencoder' }).click();
  await setNumber(page, /^Dictionary size m/, '8');
  await setNumber(page, /^k\b/, '2');
  await setNumber(page, /^Batch size/, '8');
  await setNumber(page, /^Steps/, '20');
  await setNumber(page, /^Held-out metrics every/, '10');
  await page.click('[data-testid=train-sae]');
  await page.waitForSelector('[data-testid=sae-result]', { timeout: 120_000 });
  await expect.poll(() => page.textContent('[data-testid=sae-compare]')).toMatch(/evaluate an imported dictionary/);

  const file = (name: string) => ({
    name,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(fixtureBytes(`sae-layouts/sparsify-topk/${name}`)),
  });
  await page.setInputFiles('[data-testid=dictionary-input]', [file('cfg.json'), file('sae.safetensors')]);
  await page.waitForSelector('[data-testid=evaluate-dictionary]');
  await page.click('[data-testid=evaluate-dictionary]');
  await expect
    .poll(() => page.textContent('[data-testid=sae-result]'), { timeout: 60_000 })
    .toMatch(/Evaluated an imported dictionary/);

  // A: the run trained here (8 latents), B: the imported one (16); the imported result is the one shown above.
  await page.waitForSelector('[data-testid=compare-fvu-b]');
  const shownFvu = Number(await page.getAttribute('[data-testid=sae-test-fvu]', 'data-value'));
  expect(Number(await page.textContent('[data-testid=compare-fvu-b]'))).toBeCloseTo(shownFvu, 4);
  expect(await page.textContent('[data-testid=sae-compare]')).toMatch(/d_sae\s*8\s*16/);
  const recovered = await page.textContent('[data-testid="compare-recovered-a-0.7"]');
  expect(recovered).toMatch(/^\d+\/8$/);
  const mmcs = Number(await page.textContent('[data-testid=compare-mmcs-a]'));
  expect(mmcs).toBeGreaterThan(-1);
  expect(mmcs).toBeLessThanOrEqual(1);
  // Swapping the sides swaps the columns.
  await page.selectOption('[data-testid=compare-a]', 'imported');
  await page.selectOption('[data-testid=compare-b]', 'main');
  expect(Number(await page.textContent('[data-testid=compare-fvu-a]'))).toBeCloseTo(shownFvu, 4);
  await screenshot(page, 'sae-compare');
  expect(consoleErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});
