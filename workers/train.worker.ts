// Worker entry point: owns the GPU (engine) and the loaded files; trains jobs one at a time, newest wins.
/// <reference lib="webworker" />

import { createEngine } from '../src/engine/create-engine';
import type { Engine } from '../src/engine/engine';
import { blobSource } from '../src/core/formats/byte-source';
import { DatasetStore } from '../src/jobs/dataset-store';
import { LatestJobRunner } from '../src/jobs/latest-job-runner';
import { runJob } from '../src/jobs/run-job';
import { toErrorReport } from '../src/jobs/error-report';
import { assertNever, postFromWorker, type FromWorker, type ToWorker } from '../src/protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker, transfer: Transferable[] = []) => postFromWorker(scope, m, transfer);
const store = new DatasetStore();
const jobs = new LatestJobRunner();
let engine: Promise<Engine> | null = null;

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'init':
      engine = createEngine(msg.preference, (message) => post({ type: 'engine-error', message })).then((started) => {
        post({ type: 'ready', engine: started.engine.info });
        return started.engine;
      });
      engine.catch((e) => post({ type: 'engine-error', message: (e as Error).message }));
      return;
    case 'load-file':
      void store.open(msg.fileId, blobSource(msg.file, msg.name))
        .then((summary) => post({ type: 'file-loaded', summary }))
        .catch((e) => post({ type: 'file-error', fileId: msg.fileId, error: toErrorReport(e, msg.name) }));
      return;
    case 'forget-file':
      store.forget(msg.fileId);
      return;
    case 'train': {
      const { jobId, spec } = msg;
      void jobs.submit(jobId, async (isCancelled) => {
        try {
          if (!engine) throw new Error('engine not initialised');
          const result = await runJob(await engine, store, spec, {
            isCancelled,
            onStart: (info) => post({ type: 'job-started', jobId, info }),
            onProgress: (point) => post({ type: 'job-progress', jobId, point }, [point.buffer]),
          });
          post(result ? { type: 'job-done', jobId, result } : { type: 'job-cancelled', jobId });
        } catch (e) {
          post({ type: 'job-error', jobId, error: toErrorReport(e) });
        }
      }, () => post({ type: 'job-cancelled', jobId }));
      return;
    }
    case 'cancel':
      jobs.cancel(msg.jobId);
      return;
    default:
      assertNever(msg);
  }
};
