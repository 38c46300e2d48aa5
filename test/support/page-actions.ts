// What the journeys do on the page, as a user would: wait for the engine, type a number into a labelled field,
// read a select's chosen option, save a screenshot.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright';

export const SHOTS = 'test-output/screenshots';

export async function waitForEngine(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=engine][data-backend]:not([data-backend=""])', { timeout: 60_000 });
}

/** Types into the number field whose accessible name matches, then leaves it (which commits the change). */
export async function setNumber(page: Page, label: RegExp, value: string): Promise<void> {
  const input = page.getByRole('spinbutton', { name: label });
  await input.fill(value);
  await input.press('Tab');
}

export async function chosen(page: Page, select: string): Promise<string> {
  return (await page.locator(`${select} option:checked`).textContent())?.trim() ?? '';
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** The status of a method's tab as its badge shows it ('' when it has not run). */
export async function tabStatus(page: Page, tab: string): Promise<string> {
  const badge = page.locator(`[data-tab=${tab}] [data-testid=tab-status]`);
  return (await badge.count()) ? ((await badge.getAttribute('data-status')) ?? '') : '';
}
