// Helper threads for the host kernels in a browser worker: Web Workers started from the helper program's source
// (a Blob URL: no extra file to serve, and nothing fetched from elsewhere). Only where the worker may block on
// Atomics.wait (a worker, not the page's main thread) and memory can be shared (a cross-origin-isolated page).
import type { HostThreads } from './host-team';

const PRELUDE = 'const onMessage = (f) => { self.onmessage = (e) => f(e.data); };\n';

/** Helpers for this browser context, or undefined where it cannot run them. */
export function webHostThreads(): HostThreads | undefined {
  const g = globalThis as { WorkerGlobalScope?: unknown; crossOriginIsolated?: boolean; navigator?: Navigator };
  if (g.WorkerGlobalScope === undefined || g.crossOriginIsolated !== true || typeof Worker === 'undefined') return;
  const helpers = Math.min(7, (g.navigator?.hardwareConcurrency ?? 1) - 1);
  if (helpers < 1) return;
  let url: string | undefined;
  return {
    helpers,
    // A worker's nested workers start only once it yields, so they must not wait for the first solve.
    startEarly: true,
    spawn(source) {
      url ??= URL.createObjectURL(new Blob([PRELUDE + source], { type: 'text/javascript' }));
      const worker = new Worker(url);
      return { post: (message) => worker.postMessage(message) };
    },
  };
}
