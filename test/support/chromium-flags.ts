// Flags that give headless Chromium a real WebGPU adapter (SwiftShader on CPU) and keep it off the network.
import { chromiumPath } from './test-env.mjs';

export const CHROMIUM_PATH = chromiumPath();

export function chromiumArgs(): string[] {
  return [
    '--enable-unsafe-webgpu',
    '--enable-features=Vulkan',
    '--use-vulkan=swiftshader',
    '--use-webgpu-adapter=swiftshader',
    '--disable-vulkan-surface',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
  ];
}
