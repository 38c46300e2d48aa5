// Worker entry point: owns the GPU (engine) and the loaded files. Jobs arrive in lanes (one per owner on the page):
// newest wins within a lane, lanes never cancel each other and take turns on the device (an SAE run hands it over
// between steps). A job continues on a fresh device when the GPU device is lost mid-run: an SAE run from its
// latest checkpoint (kept here as well as on the page), any other job from scratch.
/// <reference lib="webworker" />

import { blobSource } from '../src/core/formats/byte-source';
import { DatasetStore } from '../src/jobs/dataset-store';
import { EngineHolder } from '../src/jobs/engine-holder';
import { JobLanes } from '../src/jobs/job-lanes';
import { DeviceLease, DeviceTurn, handingOverEngine } from '../src/jobs/device-turns';
import { runJob } from '../src/jobs/run-job';
import { typedArrayBuffers } from '../src/jobs/transferables';
import { SaeJobControl } from '../src/jobs/sae-job';
import { SaeSweepControl } from '../src/jobs/sae-sweep-job';
import { checkpointStep, decodeCheckpoint, encodeCheckpoint, type SaeCheckpoint } from '../src/core/sae/checkpoint';
import { toErrorReport } from '../src/jobs/error-report';
import { assertNever, postFromWorker, type FromWorker, type JobSpec, type ToWorker } from '../src/protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker, transfer: Transferable[] = []) => postFromWorker(scope, m, transfer);
const store = new DatasetStore();
const jobs = new JobLanes();
const lease = new DeviceLease();
let holder: EngineHolder | null = null;
/** A run restarts at most this many times after device losses before it reports the failure. */
const MAX_DEVICE_RESTARTS = 3;
const LOSS_REPORT_GRACE_MS = 1000;
/** Live configs of SAE training jobs by job id: 'update-job' edits land here, and survive device-loss restarts. */
const saeControls = new Map<number, SaeJobControl>();
const sweepControls = new Map<number, SaeSweepControl>();

/** Runs a job when the device is its turn; a job superseded in its lane while it waited never starts. */
async function runInTurn(jobId: number, spec: JobSpec, isCancelled: () => boolean): Promise<void> {
  const turn = new DeviceTurn(lease);
  try {
    await turn.take();
    if (isCancelled()) {
      post({ type: 'job-cancelled', jobId });
      return;
    }
    await runWithRecovery(jobId, spec, isCancelled, turn);
  } finally {
    turn.end();
  }
}

async function runWithRecovery(
  jobId: number,
  spec: JobSpec,
  isCancelled: () => boolean,
  turn: DeviceTurn,
): Promise<void> {
  if (!holder) throw new Error('engine not initialised');
  // The latest checkpoint of this job, encoded: a device-loss restart continues from it (decoded afresh, so the
  // restarted trainer owns its arrays).
  let latest: ArrayBuffer | null = spec.method === 'sae-train' && spec.sae.resumeFrom ? spec.sae.resumeFrom : null;
  for (let attempt = 0; ; attempt++) {
    const gen = holder.generation;
    const engine = handingOverEngine(await holder.engine(), turn);
    const stale = () => holder!.generation !== gen;
    const run = runJob(
      engine,
      store,
      spec,
      {
        isCancelled: () => isCancelled() || stale(),
        onStart: (info) => {
          if (!stale()) post({ type: 'job-started', jobId, info });
        },
        onProgress: (point) => {
          if (!stale()) post({ type: 'job-progress', jobId, point }, [point.buffer]);
        },
        onStage: (message) => {
          if (!stale()) post({ type: 'job-stage', jobId, message });
        },
        onCell: (cell) => {
          if (!stale()) post({ type: 'sweep-cell', jobId, cell });
        },
      },
      {
        saeControl: saeControls.get(jobId),
        sweepControl: sweepControls.get(jobId),
        saeResume: latest ? decodeCheckpoint(latest) : undefined,
        onSaeCheckpoint: (c: SaeCheckpoint, why) => {
          if (stale()) return;
          latest = encodeCheckpoint(c);
          const bytes = latest.slice(0);
          post({ type: 'sae-checkpoint', jobId, step: c.loop.step, paused: why === 'pause', bytes }, [bytes]);
        },
      },
    );
    // A dead device can leave a readback pending forever, so the loss itself ends the wait.
    const outcome = await Promise.race([
      run.then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      ),
      holder.lostSince(gen).then((why) => ({ lost: true as const, why })),
    ]);
    const lostAfterError = 'error' in outcome && (await holder.lostDuring(gen, LOSS_REPORT_GRACE_MS));
    if ('lost' in outcome || lostAfterError || stale()) {
      run.catch(() => {});
      if (attempt >= MAX_DEVICE_RESTARTS)
        throw new Error(`the GPU device was lost ${attempt + 1} times during this run; giving up`);
      const from = latest ? checkpointStep(latest) : 0;
      const switched = 'lost' in outcome && outcome.why.startsWith('engine switched');
      post({
        type: 'notice',
        notice: {
          level: 'info',
          message: switched
            ? `The engine changed during the run; it ${from > 0 ? `resumed from its checkpoint at step ${from}` : 'restarted'} on the new engine.`
            : from > 0
              ? `The GPU device was lost during training; a new device was created and the run resumed from its checkpoint at step ${from}.`
              : 'The GPU device was lost during training; a new device was created and the run restarted on it.',
        },
      });
      continue;
    }
    if ('error' in outcome) throw outcome.error;
    const result = outcome.result;
    if (!result) {
      post({ type: 'job-cancelled', jobId });
      return;
    }
    // Result arrays are transferred, not copied: analyses can return large score vectors, SAEs their weights.
    const transfer = result.method === 'logistic' ? [] : typedArrayBuffers(result.result);
    post({ type: 'job-done', jobId, result }, transfer);
    return;
  }
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'init':
      holder = new EngineHolder(
        msg.preference,
        (engine) => post({ type: 'ready', engine: engine.info }),
        (message) =>
          post({ type: 'notice', notice: { level: 'info', message: `${message}; creating a new GPU device` } }),
      );
      holder.engine().catch((e) => post({ type: 'engine-error', message: (e as Error).message }));
      return;
    case 'set-engine':
      if (!holder) return;
      holder.switchTo(msg.preference).catch((e) => post({ type: 'engine-error', message: (e as Error).message }));
      return;
    case 'load-file':
      void store
        .open(msg.fileId, blobSource(msg.file, msg.name))
        .then((summary) => post({ type: 'file-loaded', summary }))
        .catch((e) => post({ type: 'file-error', fileId: msg.fileId, error: toErrorReport(e, msg.name) }));
      return;
    case 'forget-file':
      store.forget(msg.fileId);
      return;
    case 'set-budgets':
      store.setBudgets(msg.budgets);
      return;
    case 'train': {
      const { jobId, spec } = msg;
      // Created at once, so an edit that arrives while the job waits its turn is not lost.
      if (spec.method === 'sae-train') saeControls.set(jobId, new SaeJobControl(spec.sae.config));
      if (spec.method === 'sae-sweep') sweepControls.set(jobId, new SaeSweepControl());
      void jobs
        .submit(
          msg.lane,
          jobId,
          (isCancelled) =>
            runInTurn(jobId, spec, isCancelled).catch((e) => {
              post({ type: 'job-error', jobId, error: toErrorReport(e) });
            }),
          () => post({ type: 'job-cancelled', jobId }),
        )
        .finally(() => {
          saeControls.delete(jobId);
          sweepControls.delete(jobId);
        });
      return;
    }
    case 'update-job': {
      // A job that has already ended cannot continue: the page starts a new run with the edited config.
      const control = saeControls.get(msg.jobId);
      const effect = control ? control.update(msg.config) : { effect: 'restart' as const, because: [] };
      post({ type: 'job-updated', jobId: msg.jobId, effect });
      return;
    }
    case 'sweep-control': {
      const control = sweepControls.get(msg.jobId);
      if (msg.stop !== undefined) control?.stop(msg.stop);
      if (msg.add) control?.add(msg.add);
      return;
    }
    case 'pause-job':
      saeControls.get(msg.jobId)?.pause();
      return;
    case 'cancel':
      jobs.cancel(msg.jobId);
      return;
    case 'inject-fault':
      if (msg.fault === 'device-lost') void holder?.destroyDevice();
      // Thrown outside any handler, as a real crash would be: the page sees the worker's error event.
      else
        setTimeout(() => {
          throw new Error('injected worker crash');
        });
      return;
    default:
      assertNever(msg);
  }
};
