// Journeys through the page's jobs: a run in one tab is never stopped by another tab's job; a paused SAE run
// resumes as the same run with its live edits and its curves; results not from the current settings say so.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright';
import { fixtureBytes } from '../support/fixtures';
import { dropFiles, openPage, startApp, type AppSession } from '../support/app-server';
import { screenshot, setNumber, tabStatus, waitForEngine } from '../support/page-actions';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

const status = (page: Page) => page.getAttribute('[data-testid=status]', 'data-status');

test("switching tabs never stops a running SAE: a probe retrains in its own tab and the SAE's run finishes", async () => {
  const { page, consoleErrors } = await openPage(app);
  await waitForEngine(page);
  await page.waitForSelector('[data-testid=files] >> text=lande_meta_4000.jsonl');
  // A probe on the demo first, so its tab retrains live on every change.
  await setNumber(page, /^Max iterations/, '15');
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });

  await page.getByRole('tab', { name: /Sparse autoencoder/ }).click();
  await setNumber(page, /^Dictionary size m/, '64');
  await setNumber(page, /^k\b/, '8');
  await setNumber(page, /^Batch size/, '64');
  await setNumber(page, /^Steps/, '60');
  await setNumber(page, /^Held-out metrics every/, '20');
  await page.click('[data-testid=train-sae]');
  await expect.poll(() => page.textContent('[data-testid=status]'), { timeout: 90_000 }).toMatch(/step \d+/);

  // Open the probe tab and change C: the probe retrains there while the SAE keeps running in its own lane.
  await page.getByRole('tab', { name: /Logistic probe/ }).click();
  expect(await tabStatus(page, 'sae')).toBe('running');
  await page.fill('[aria-label="C (inverse L2 strength, scikit-learn) value"]', '0.1');
  await page.press('[aria-label="C (inverse L2 strength, scikit-learn) value"]', 'Tab');
  await expect.poll(() => status(page), { timeout: 10_000 }).not.toBe('done');
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
  expect(await page.getAttribute('[data-testid=test-accuracy]', 'data-value')).toBeTruthy();
  expect(['running', 'done']).toContain(await tabStatus(page, 'sae'));
  await screenshot(page, 'journey-1-probe-beside-running-sae');

  // Back on the SAE tab: the same run, still going or finished, never "stopped".
  await page.getByRole('tab', { name: /Sparse autoencoder/ }).click();
  expect(['running', 'done']).toContain(await status(page));
  await page.waitForSelector('[data-testid=sae-result]', { timeout: 240_000 });
  expect(await status(page)).toBe('done');
  expect(await page.textContent('[data-testid=sae-result]')).toMatch(/Trained 60 steps/);
  expect(Number(await page.getAttribute('[data-testid=sae-curves]', 'data-first'))).toBe(0);
  expect(Number(await page.getAttribute('[data-testid=sae-curves]', 'data-last'))).toBe(59);
  await screenshot(page, 'journey-1-sae-finished');
  expect(consoleErrors).toEqual([]);
});

test('pause and resume continue the same SAE run: an edit made while training is kept and the curves have no gap', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await waitForEngine(page);
  await dropFiles(page, [{ name: 'planted_acts.npy', bytes: fixtureBytes('planted_acts.npy') }]);
  await page.waitForSelector('[data-testid=files] >> text=planted_acts.npy');
  await page.getByRole('tab', { name: /Sparse autoencoder/ }).click();
  await setNumber(page, /^Dictionary size m/, '128');
  await setNumber(page, /^k\b/, '4');
  await setNumber(page, /^Batch size/, '64');
  await setNumber(page, /^Steps/, '50');
  await setNumber(page, /^Held-out metrics every/, '25');
  await page.click('[data-testid=train-sae]');
  await expect.poll(() => page.textContent('[data-testid=status]'), { timeout: 90_000 }).toMatch(/step [3-9]/);

  // A live edit: k 4 → 6 continues the run.
  await setNumber(page, /^k\b/, '6');
  await expect.poll(() => page.textContent('[data-testid=sae-edit-note]'), { timeout: 30_000 }).toMatch(/continued/);
  await expect
    .poll(() => page.textContent('[data-testid=status]'), { timeout: 90_000 })
    .toMatch(/step (1[2-9]|[2-4]\d)/);

  await page.click('[data-testid=sae-pause]');
  await page.waitForSelector('[data-testid=status][data-status=paused]', { timeout: 60_000 });
  expect(await tabStatus(page, 'sae')).toBe('paused');
  expect(await page.getByRole('spinbutton', { name: /^k\b/ }).inputValue()).toBe('6');
  const pausedAt = Number(await page.getAttribute('[data-testid=sae-curves]', 'data-last'));
  expect(pausedAt).toBeGreaterThanOrEqual(10);
  await screenshot(page, 'journey-4-paused');

  await page.click('[data-testid=sae-resume-paused]');
  await expect
    .poll(() => page.textContent('[data-testid=sae-edit-note]'))
    .toMatch(/Resumed from the checkpoint at step \d+/);
  const from = Number((await page.textContent('[data-testid=sae-edit-note]'))!.match(/step (\d+)/)![1]);
  expect(from).toBeGreaterThan(pausedAt - 2);
  // The curves carry on from the paused run's points: they still start at step 0.
  expect(Number(await page.getAttribute('[data-testid=sae-curves]', 'data-first'))).toBe(0);
  expect(Number(await page.getAttribute('[data-testid=sae-curves]', 'data-points'))).toBeGreaterThanOrEqual(from);
  expect(await page.getByRole('spinbutton', { name: /^k\b/ }).inputValue()).toBe('6');
  await page.waitForSelector('[data-testid=sae-result]', { timeout: 240_000 });
  const result = await page.textContent('[data-testid=sae-result]');
  expect(result).toMatch(/Trained 50 steps/);
  expect(result).toMatch(/, k 6\b/);
  // One curve from step 0 to the last step, each step once.
  expect(Number(await page.getAttribute('[data-testid=sae-curves]', 'data-first'))).toBe(0);
  expect(Number(await page.getAttribute('[data-testid=sae-curves]', 'data-last'))).toBe(49);
  expect(Number(await page.getAttribute('[data-testid=sae-curves]', 'data-points'))).toBe(50);
  await screenshot(page, 'journey-4-resumed-and-finished');
  expect(consoleErrors).toEqual([]);
});

test('results not from the current settings say so: "updating…" during a retrain, "from previous settings" after a failure', async () => {
  const { page, consoleErrors } = await openPage(app, '?demo=0');
  await waitForEngine(page);
  await dropFiles(page, [
    { name: 'digits_f32.npy', bytes: fixtureBytes('digits_f32.npy') },
    { name: 'digits_labels.npy', bytes: fixtureBytes('digits_labels.npy') },
  ]);
  await page.waitForSelector('[data-testid=files] >> text=digits_labels.npy');
  await setNumber(page, /^Max iterations/, '40');
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
  expect(await page.locator('[data-testid=stale]').count()).toBe(0);
  const before = await page.getAttribute('[data-testid=test-accuracy]', 'data-value');

  // A change retrains at once; until the new numbers arrive, the old ones are marked.
  await page.fill('[aria-label="C (inverse L2 strength, scikit-learn) value"]', '0.01');
  await page.press('[aria-label="C (inverse L2 strength, scikit-learn) value"]', 'Tab');
  await page.waitForSelector('[data-testid=stale][data-state=updating]', { timeout: 10_000 });
  expect(await page.textContent('[data-testid=stale]')).toMatch(/updating…/);
  await screenshot(page, 'journey-6-updating');
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
  await expect.poll(() => page.locator('[data-testid=stale]').count()).toBe(0);
  expect(await page.getAttribute('[data-testid=test-accuracy]', 'data-value')).not.toBe(before);

  // A class-name list that names 3 of the 10 classes: the rerun fails, the last numbers stay, marked as old.
  await dropFiles(page, [
    { name: 'three_names.json', bytes: new TextEncoder().encode(JSON.stringify({ classes: ['a', 'b', 'c'] })) },
  ]);
  await page.waitForSelector('[data-testid=status][data-status=error]', { timeout: 60_000 });
  expect(await page.textContent('[data-testid=status]')).toMatch(/3 names but the labels have 10 classes/);
  expect(await page.getAttribute('[data-testid=stale]', 'data-state')).toBe('previous');
  expect(await page.textContent('[data-testid=stale]')).toMatch(/from previous settings/);
  expect(await page.locator('[data-testid=test-accuracy]').count()).toBe(1);
  expect(await tabStatus(page, 'logistic')).toBe('error');
  await screenshot(page, 'journey-6-previous-settings');
  expect(consoleErrors).toEqual([]);
});
