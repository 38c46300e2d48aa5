// SAE runs survive faults: a GPU device lost mid-run resumes from the run's last checkpoint (the page says from
// which step) and finishes; a reload mid-run offers the stored checkpoint, and resuming continues from its step
// with the run's live edits and its curves.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright';
import { fixtureBytes } from '../support/fixtures';
import { dropFiles, openPage, startApp, type AppSession } from '../support/app-server';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

async function loadPlanted(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=engine][data-backend=webgpu]', { timeout: 60_000 });
  await dropFiles(page, [{ name: 'planted_acts.npy', bytes: fixtureBytes('planted_acts.npy') }]);
  await page.waitForSelector('[data-testid=files] >> text=planted_acts.npy');
  await page.getByRole('tab', { name: 'Sparse autoencoder' }).click();
}

async function tinyRun(page: Page, steps: number): Promise<void> {
  const setNumber = async (label: RegExp, value: string) => {
    const input = page.getByRole('spinbutton', { name: label });
    await input.fill(value);
    await input.press('Tab');
  };
  await setNumber(/^Dictionary size m/, '128');
  await setNumber(/^k\b/, '4');
  await setNumber(/^Batch size/, '64');
  await setNumber(/^Steps/, String(steps));
  await setNumber(/^Held-out metrics every/, '20');
  await setNumber(/^Checkpoint every N steps/, '5');
  await page.click('[data-testid=train-sae]');
  await page.waitForSelector('[data-testid=status][data-status=running]', { timeout: 60_000 });
}

const checkpointStep = async (page: Page) =>
  Number((await page.getAttribute('[data-testid=sae-checkpoint-step]', 'data-step').catch(() => null)) ?? -1);

test('a GPU device lost mid-SAE-run resumes from its last checkpoint and finishes', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await loadPlanted(page);
  await tinyRun(page, 40);
  await expect.poll(() => checkpointStep(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(5);
  await page.click('details.diagnostics > summary');
  await page.click('[data-testid=inject-device-lost]');
  await expect
    .poll(() => page.textContent('[data-testid=errors]'), { timeout: 60_000 })
    .toMatch(/device was lost during training.*resumed from its checkpoint at step \d+/);
  const from = Number((await page.textContent('[data-testid=errors]'))!.match(/checkpoint at step (\d+)/)![1]);
  expect(from).toBeGreaterThan(0);
  await page.waitForSelector('[data-testid=sae-result]', { timeout: 240_000 });
  expect(await page.textContent('[data-testid=sae-result]')).toMatch(/Trained 40 steps/);
  expect(await page.getAttribute('[data-testid=engine]', 'data-backend')).toBe('webgpu');
  // A finished run leaves no checkpoint behind to offer.
  expect(await page.locator('[data-testid=sae-resume-offer]').count()).toBe(0);
  expect(consoleErrors.filter((e) => !/device|destroyed|lost/i.test(e))).toEqual([]);
});

test('a reload mid-SAE-run offers the stored checkpoint; resuming continues from its step', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await loadPlanted(page);
  await tinyRun(page, 60);
  // A live edit during the run (k 4 → 6): the checkpoints taken after it carry it.
  await expect.poll(() => checkpointStep(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(5);
  const k = page.getByRole('spinbutton', { name: /^k\b/ });
  await k.fill('6');
  await k.press('Tab');
  await expect.poll(() => page.textContent('[data-testid=sae-edit-note]'), { timeout: 30_000 }).toMatch(/continued/);
  const editedAt = await checkpointStep(page);
  await expect.poll(() => checkpointStep(page), { timeout: 90_000 }).toBeGreaterThan(Math.max(editedAt, 10));

  await page.reload();
  await page.waitForSelector('[data-testid=engine][data-backend=webgpu]', { timeout: 60_000 });
  await page.getByRole('tab', { name: 'Sparse autoencoder' }).click();
  const offer = page.locator('[data-testid=sae-resume-offer]');
  await expect.poll(() => offer.count(), { timeout: 30_000 }).toBe(1);
  const stored = Number(await offer.getAttribute('data-step'));
  expect(stored).toBeGreaterThanOrEqual(10);
  expect(await offer.textContent()).toMatch(/Interrupted run on planted_acts\.npy/);

  // The file handle does not survive a reload: the user drops it again, then resumes.
  await dropFiles(page, [{ name: 'planted_acts.npy', bytes: fixtureBytes('planted_acts.npy') }]);
  await page.waitForSelector('[data-testid=files] >> text=planted_acts.npy');
  await page.click('[data-testid=sae-resume]');
  await expect
    .poll(() => page.textContent('[data-testid=sae-edit-note]'))
    .toMatch(new RegExp(`Resumed from the checkpoint at step ${stored}\\b`));
  await expect.poll(() => page.textContent('[data-testid=status]'), { timeout: 60_000 }).toMatch(/step \d+/);
  const firstSeen = Number((await page.textContent('[data-testid=status]'))!.match(/step (\d+)/)![1]);
  expect(firstSeen).toBeGreaterThanOrEqual(stored);
  // The resumed run has the edited k, and its curves run from step 0 (restored from the checkpoint) to the end.
  expect(await page.getByRole('spinbutton', { name: /^k\b/ }).inputValue()).toBe('6');
  expect(Number(await page.getAttribute('[data-testid=sae-curves]', 'data-first'))).toBe(0);
  await page.waitForSelector('[data-testid=sae-result]', { timeout: 240_000 });
  const result = await page.textContent('[data-testid=sae-result]');
  expect(result).toMatch(/Trained 60 steps/);
  expect(result).toMatch(/, k 6\b/);
  expect(Number(await page.getAttribute('[data-testid=sae-curves]', 'data-points'))).toBe(60);
  expect(await offer.count()).toBe(0);
  expect(consoleErrors).toEqual([]);
});
