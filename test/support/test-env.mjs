// What `npm test` needs from the machine beyond npm: a Chromium-class browser (headless WebGPU for the browser
// and end-to-end projects) and a Vulkan loader plus driver for Dawn in Node (SwiftShader, which Chromium ships).
// Run directly (`node test/support/test-env.mjs`, the first step of `npm test`) it checks both and stops with one
// line naming what is missing and how to get it, instead of a stack trace minutes later.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BROWSER_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** The browser the tests drive: $CHROME_PATH (or $CHROMIUM_PATH) when set, else the first one installed. */
export function chromiumPath() {
  const chosen = process.env.CHROME_PATH || process.env.CHROMIUM_PATH;
  if (chosen) return chosen;
  return BROWSER_CANDIDATES.find((p) => existsSync(p)) ?? BROWSER_CANDIDATES[0];
}

/** The Vulkan driver Dawn uses in Node: the one the environment names, else the SwiftShader ICD beside the browser. */
export function vulkanIcd() {
  const named = process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES;
  if (named) return named;
  const candidates = [
    '/usr/lib/chromium/vk_swiftshader_icd.json',
    join(dirname(chromiumPath()), 'vk_swiftshader_icd.json'),
  ];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

function hasVulkanLoader() {
  try {
    return /libvulkan\.so\.1\b/.test(
      execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
  } catch {
    return [
      '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
      '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
      '/usr/lib/libvulkan.so.1',
    ].some((p) => existsSync(p));
  }
}

/** One line per missing piece (empty when the machine can run every test project). */
export function missingTestDependencies() {
  const problems = [];
  const browser = chromiumPath();
  if (!existsSync(browser)) {
    problems.push(
      `npm test needs a Chromium-class browser for its WebGPU tests and found none at ${browser}: ` +
        "install Debian's chromium and libvulkan1 (sudo apt-get install chromium libvulkan1), " +
        'or set CHROME_PATH to an installed Chrome or Chromium',
    );
  } else if (!existsSync(vulkanIcd())) {
    problems.push(
      `npm test runs Dawn (WebGPU in Node) on SwiftShader and found no Vulkan driver at ${vulkanIcd()}: ` +
        "install Debian's chromium (it ships vk_swiftshader_icd.json), or set VK_ICD_FILENAMES to a Vulkan ICD file",
    );
  }
  if (!hasVulkanLoader()) {
    problems.push(
      "npm test runs Dawn (WebGPU in Node), which needs the Vulkan loader libvulkan.so.1: install Debian's libvulkan1 (sudo apt-get install libvulkan1)",
    );
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = missingTestDependencies();
  for (const p of problems) console.error(p);
  process.exitCode = problems.length ? 1 : 0;
}
