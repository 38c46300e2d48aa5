// Helper threads for the host kernels in Node (CLI, benchmarks, tests): worker_threads running the helper program
// from source, unreferenced so they never keep a finished process alive. They start at the first shared product,
// not with the CLI: a Node worker starts even while the thread that made it is busy, so nothing is lost by waiting.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HostThreads } from './host-team';

const PRELUDE = "const onMessage = (f) => require('node:worker_threads').parentPort.on('message', f);\n";

/** One helper per core beyond the calling thread's, unless `helpers` says otherwise. */
export function nodeHostThreads(helpers = availableParallelism() - 1): HostThreads {
  return {
    helpers,
    spawn(source) {
      const worker = new Worker(PRELUDE + source, { eval: true });
      worker.unref();
      return { post: (message) => worker.postMessage(message) };
    },
  };
}
