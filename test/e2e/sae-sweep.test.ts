// An SAE sweep from the page: a 2 × 2 grid on the built-in demo's activations trains in one job, the frontier
// fills in live (held-out FVU against L0), a picked member opens in the results with its feature browser, and the
// sweep is kept in the Runs list and re-opens from it after a reload.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openPage, startApp, type AppSession } from '../support/app-server';
import { screenshot, setNumber, waitForEngine } from '../support/page-actions';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

test(
  'a 4-member sweep on the demo trains in one job, draws its frontier, and opens a member',
  { timeout: 600_000 },
  async () => {
    const { page, consoleErrors, foreignRequests } = await openPage(app);
    await waitForEngine(page);
    await page.waitForSelector('[data-testid=files] >> text=lande_hidden_4000.npy');
    await page.getByRole('tab', { name: 'Sparse autoencoder' }).click();
    // Tiny on purpose: SwiftShader runs a few steps a second.
    await setNumber(page, /^Batch size/, '64');
    await setNumber(page, /^Steps/, '12');
    await setNumber(page, /^Held-out metrics every/, '4');
    await page.fill('[data-testid=sweep-grid]', 'k=4,8\nd-sae=32,64');
    await page.click('[data-testid=run-sweep]');
    await page.waitForSelector('[data-testid=sweep-frontier]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=sweep-members] tbody tr').count()).toBe(4);
    // Each member's summary evaluates every held-out row and encodes all 4,000 for its feature browser: most of a
    // tiny sweep's time on SwiftShader.
    await page
      .waitForSelector('[data-testid=sweep-status][data-status=done]', { timeout: 420_000 })
      .catch(async (e) => {
        await screenshot(page, 'sae-sweep-timeout');
        throw new Error(`${(e as Error).message}\nstatus: ${await page.textContent('[data-testid=sweep-status]')}`);
      });
    const labels = await page.locator('[data-testid=sweep-members] button.link').allTextContents();
    expect(labels).toEqual(['k=4 d-sae=32', 'k=4 d-sae=64', 'k=8 d-sae=32', 'k=8 d-sae=64']);
    // Every member finished its 12 steps and has a held-out FVU in (0, 1).
    expect(await page.locator('[data-testid=sweep-step]').allTextContents()).toEqual(Array(4).fill('12/12'));
    for (const v of await page
      .locator('[data-testid=sweep-fvu]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-value')))) {
      expect(Number(v)).toBeGreaterThan(0);
      expect(Number(v)).toBeLessThan(1);
    }
    await page.locator('[data-testid=sweep-members] button.link').nth(3).click();
    expect(await page.textContent('[data-testid=sweep-picked]')).toMatch(/k=8 d-sae=64/);
    await page.locator('[data-testid=sweep-frontier]').scrollIntoViewIfNeeded();
    await screenshot(page, 'sae-sweep-frontier');
    await page.click('[data-testid=sweep-open]');
    await page.waitForSelector('[data-testid=sae-result]');
    expect(await page.textContent('[data-testid=sae-result]')).toMatch(/Trained 12 steps/);
    const fvus = await page
      .locator('[data-testid=sweep-fvu]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));

    // The sweep is a run: grid and member count in the list, its weights plainly not kept; after a reload it
    // re-opens with the same frontier and members' metrics, and no member can be opened or exported from it.
    const row = page.locator('[data-testid=run-row][data-method="sae sweep"]');
    await row.waitFor();
    expect(await row.locator('[data-testid=run-grid]').getAttribute('data-size')).toBe('4');
    expect(await row.locator('[data-testid=run-grid]').textContent()).toMatch(/k=4,8 × d-sae=32,64 \(4 members\)/);
    expect(await row.textContent()).toMatch(/lowest held-out FVU: k=\d d-sae=\d+/);
    expect(await row.locator('[data-testid=run-note]').textContent()).toMatch(/weights are not kept/);
    await page.reload();
    await waitForEngine(page);
    await page.click('[data-testid=run-row][data-method="sae sweep"] [data-testid=run-open]');
    await page.waitForSelector('[data-testid=sweep-opened]');
    expect(await page.textContent('[data-testid=sweep-opened]')).toMatch(/weights were not kept/);
    expect(await page.inputValue('[data-testid=sweep-grid]')).toBe('k=4,8\nd-sae=32,64');
    await page.waitForSelector('[data-testid=sweep-frontier]');
    expect(await page.locator('[data-testid=sweep-members] button.link').allTextContents()).toEqual(labels);
    expect(await page.locator('[data-testid=sweep-step]').allTextContents()).toEqual(Array(4).fill('12/12'));
    expect(
      await page.locator('[data-testid=sweep-fvu]').evaluateAll((els) => els.map((e) => e.getAttribute('data-value'))),
    ).toEqual(fvus);
    await page.locator('[data-testid=sweep-members] button.link').nth(0).click();
    expect(await page.isDisabled('[data-testid=sweep-open]')).toBe(true);
    expect(await page.isDisabled('[data-testid=sweep-export]')).toBe(true);
    const csv = page.waitForEvent('download');
    await page.click('[data-testid=sweep-opened-csv]');
    expect((await csv).suggestedFilename()).toBe('frontier.csv');
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  },
);
