// Serves the built app (dist/) on localhost and drives it with Playwright in headless Chromium on WebGPU.
import { preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type Page } from 'playwright';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH, chromiumArgs } from './chromium-flags';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface AppSession {
  server: PreviewServer;
  browser: Browser;
  url: string;
  /** A second Chromium with WebGPU switched off, for the CPU-fallback journey; started on first use. */
  browserWithoutWebGPU(): Promise<Browser>;
  close(): Promise<void>;
}

export async function startApp(): Promise<AppSession> {
  if (!existsSync(resolve(ROOT, 'dist/index.html')))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const server = await preview({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    preview: { port: 0, host: '127.0.0.1', open: false },
    logLevel: 'error',
  });
  const url = server.resolvedUrls!.local[0];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs() });
  let noGpu: Browser | undefined;
  return {
    server,
    browser,
    url,
    browserWithoutWebGPU: async () =>
      (noGpu ??= await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: [
          '--disable-features=WebGPU',
          '--no-sandbox',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
        ],
      })),
    close: async () => {
      await browser.close();
      await noGpu?.close();
      await server.close();
    },
  };
}

/** Opens the app; collects console errors and every request that leaves the app's origin. */
export async function openPage(
  app: AppSession,
  query = '',
  browser: Browser = app.browser,
): Promise<{ page: Page; consoleErrors: string[]; foreignRequests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];
  const origin = new URL(app.url).origin;
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')) foreignRequests.push(u);
  });
  await page.goto(`${app.url}${query}`);
  return { page, consoleErrors, foreignRequests };
}

/** Drops files onto the page the way a user's drag-and-drop does: a DataTransfer on a drop event. */
export async function dropFiles(page: Page, files: { name: string; bytes: Uint8Array }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, b64: Buffer.from(f.bytes).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const { name, b64 } of items) {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], name));
    }
    return dt;
  }, payload);
  await page.dispatchEvent('main', 'drop', { dataTransfer });
}

/**
 * The journeys' common start: wait for an engine, drop a fixture with the split scikit-learn's reference used
 * for it (as `<dataset>_split.json`), and wait until that split is chosen. Default: breast_cancer.npz.
 */
export async function loadFixtureWithSplit(
  page: Page,
  file = 'breast_cancer.npz',
  dataset = 'breast_cancer',
): Promise<void> {
  const { fixtureBytes, referenceJson } = await import('./fixtures');
  await page.waitForSelector('[data-testid=engine][data-backend]:not([data-backend=""])', { timeout: 60_000 });
  const ref = referenceJson()[dataset];
  await dropFiles(page, [
    { name: file, bytes: fixtureBytes(file) },
    {
      name: `${dataset}_split.json`,
      bytes: new TextEncoder().encode(JSON.stringify({ train_idx: ref.train_idx, test_idx: ref.test_idx })),
    },
  ]);
  await page.waitForSelector(`[data-testid=files] >> text=${dataset}_split.json`);
  await page.waitForFunction(
    () => (document.querySelector('[data-testid=split-select]') as HTMLSelectElement | null)?.value !== 'random',
  );
}

export const loadBreastCancerWithSplit = (page: Page) => loadFixtureWithSplit(page);
