// An SAE sweep from the page: a 2 × 2 grid on the built-in demo's activations trains in one job, the frontier
// fills in live (held-out FVU against L0), and a picked member opens in the results with its feature browser.
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
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  },
);
