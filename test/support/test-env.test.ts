// `npm test` starts by checking the machine: without a browser it stops with one line saying what to install.
import { expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./test-env.mjs', import.meta.url));

test('a missing browser stops the test run with one line naming it and how to get it', () => {
  const r = spawnSync(process.execPath, [SCRIPT], {
    env: { ...process.env, CHROME_PATH: '/nonexistent/chrome' },
    encoding: 'utf8',
  });
  expect(r.status).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    /Chromium-class browser.*\/nonexistent\/chrome.*apt-get install chromium libvulkan1.*CHROME_PATH/,
  );
});

test('a missing Vulkan driver is named the same way', () => {
  const r = spawnSync(process.execPath, [SCRIPT], {
    env: { ...process.env, VK_DRIVER_FILES: '', VK_ICD_FILENAMES: '/nonexistent/icd.json' },
    encoding: 'utf8',
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/no Vulkan driver at \/nonexistent\/icd\.json/);
});
