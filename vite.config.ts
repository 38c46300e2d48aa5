// Builds the static site. `base: './'` keeps every asset path relative, so dist/ works from any static server.
// Dev and preview serve it cross-origin isolated (COOP + COEP): SharedArrayBuffer, and so CPU kernels on
// several threads, exist only there.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** Cross-origin isolation, for the dev server, `vite preview` and the browser tests (vitest.config.ts). */
export const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  plugins: [svelte()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { port: 5173, headers: ISOLATION },
  preview: { port: 4173, headers: ISOLATION },
});
