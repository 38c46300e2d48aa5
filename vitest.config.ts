// Tests mirror the source tree (test/core, test/engine, test/jobs, test/ui, test/cli); a file's suffix says where
// it runs: `.test.ts` in Node, `.dawn.test.ts` on Dawn (real WebGPU over SwiftShader) in Node, `.browser.test.ts`
// on WebGPU inside headless Chromium. End-to-end journeys against the built app stay in test/e2e.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';
import { chromiumArgs, CHROMIUM_PATH } from './test/support/chromium-flags';
import { ISOLATION } from './vite.config';

export default defineConfig({
  test: {
    projects: [
      {
        // The Svelte plugin compiles the UI's state classes (.svelte.ts runes), so they are tested in Node too.
        plugins: [svelte()],
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', '**/*.dawn.test.ts', '**/*.browser.test.ts', '**/node_modules/**'],
          testTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'dawn',
          environment: 'node',
          include: ['test/**/*.dawn.test.ts'],
          setupFiles: ['test/support/dawn-setup.ts'],
          testTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        plugins: [svelte()],
        // Isolated like the app, so SharedArrayBuffer (the host kernels' helper threads) exists in browser tests.
        server: { headers: ISOLATION },
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.ts'],
          testTimeout: 240_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: chromiumArgs() } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
