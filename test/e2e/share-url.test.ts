// A setup shared by URL reproduces on a colleague's page: the same settings, applied to files of the same
// names once they are dropped. Also: log axes and a large monitor.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { referenceJson } from '../support/fixtures';
import { loadBreastCancerWithSplit, openPage, startApp, type AppSession } from '../support/app-server';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

const C_INPUT = '[aria-label="C (inverse L2 strength, scikit-learn) value"]';

test('Share setup as URL reproduces the settings and the split file on another page', async () => {
  const { page } = await openPage(app, '?demo=0');
  await loadBreastCancerWithSplit(page);
  await page.fill(C_INPUT, '0.01');
  await page.press(C_INPUT, 'Tab');
  await page.selectOption('[data-testid=optimizer]', 'adam');
  await page.click('[data-testid=share]');
  const url = (await page.textContent('[data-testid=share-url]'))!.trim();
  expect(url).toMatch(/#setup=/);

  const other = await openPage(app, `?demo=0${url.slice(url.indexOf('#'))}`);
  await other.page.waitForSelector('[data-testid=engine][data-backend=webgpu]', { timeout: 60_000 });
  expect(await other.page.inputValue(C_INPUT)).toBe('0.01');
  expect(await other.page.inputValue('[data-testid=optimizer]')).toBe('adam');
  // The split file of the same name is chosen by the setup, and training reproduces the reference.
  await loadBreastCancerWithSplit(other.page);
  await other.page.selectOption('[data-testid=optimizer]', 'lbfgs');
  await other.page.click('[data-testid=train]');
  await other.page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
  const acc = Number(await other.page.getAttribute('[data-testid=test-accuracy]', 'data-value'));
  expect(Math.abs(acc - referenceJson().breast_cancer['logreg_C0.01'].test_acc)).toBeLessThanOrEqual(0.01);
  expect(other.consoleErrors).toEqual([]);
});

test('on a large monitor the layout holds, and a chart switches to a log y axis', async () => {
  const page = await app.browser.newPage({ viewport: { width: 2560, height: 1440 } });
  await page.goto(`${app.url}?demo=0`);
  await loadBreastCancerWithSplit(page);
  await page.click('[data-testid=train]');
  await page.waitForSelector('[data-testid=status][data-status=done]', { timeout: 120_000 });
  const toggle = page.locator('[aria-label="Log-loss: logarithmic y axis"]');
  await toggle.click();
  expect(await toggle.getAttribute('aria-pressed')).toBe('true');
  // Columns sit side by side without horizontal scrolling.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await page.screenshot({ path: 'test-output/screenshots/large-monitor.png' });
  await page.close();
});
