// Dispatches a job spec to its method's runner; the one switch the worker needs.
import type { SaeCheckpoint } from '../core/sae/checkpoint';
import type { Engine } from '../core/engine/engine';
import { assertNever, type JobResult, type JobSpec } from '../protocol';
import type { DatasetStore } from './dataset-store';
import type { JobHooks } from './job-hooks';
import { runProbeJob } from './probe-job';
import { runAnalysisJob } from './analysis-job';
import { runProbeSuiteJob } from './probe-suite-job';
import { runSaeEvalJob, runSaeTrainJob, SaeJobControl, type SaeJobHooks } from './sae-job';
import { SAE_PROGRESS_FIELDS, SAE_SWEEP_PROGRESS_PREFIX } from '../protocol';
import { runSaeSweepJob, type SaeSweepControl } from './sae-sweep-job';

/** What the worker knows beyond the engine: a running SAE job's live config and checkpoints. */
export interface JobContext {
  /** Where live edits of an 'sae-train' job land; kept by the worker across device-loss restarts. */
  saeControl?: SaeJobControl;
  /** Checkpoints of an 'sae-train' job go here (the worker keeps the latest and sends the page a copy). */
  onSaeCheckpoint?: (checkpoint: SaeCheckpoint, why: 'periodic' | 'pause') => void;
  /** A checkpoint to continue an 'sae-train' job from (after a device loss), instead of spec.sae.resumeFrom. */
  saeResume?: SaeCheckpoint;
  /** Where a running 'sae-sweep' job's stops and added points land. */
  sweepControl?: SaeSweepControl;
}

export async function runJob(
  engine: Engine,
  store: DatasetStore,
  spec: JobSpec,
  hooks: JobHooks,
  ctx: JobContext = {},
): Promise<JobResult | null> {
  switch (spec.method) {
    case 'logistic':
      return runProbeJob(engine, store, spec, hooks);
    case 'analysis': {
      hooks.onStart({ method: 'analysis', fields: [], trainRows: 0, testRows: 0, classes: [] });
      const result = await runAnalysisJob(engine, store, spec.analysis, {
        isCancelled: hooks.isCancelled,
        onStage: hooks.onStage,
      });
      return result ? { method: 'analysis', result } : null;
    }
    case 'suite': {
      const result = await runProbeSuiteJob(engine, store, spec.suite, hooks);
      return result ? { method: 'suite', result } : null;
    }
    case 'sae-train': {
      const control = ctx.saeControl ?? new SaeJobControl(spec.sae.config);
      const result = await runSaeTrainJob(
        { engine, resume: ctx.saeResume },
        store,
        spec.sae,
        { ...saeHooks('sae-train', hooks), onCheckpoint: ctx.onSaeCheckpoint },
        control,
      );
      return result ? { method: 'sae', result } : null;
    }
    case 'sae-eval': {
      const result = await runSaeEvalJob({ engine }, store, spec.sae, saeHooks('sae-eval', hooks));
      return result ? { method: 'sae', result } : null;
    }
    case 'sae-sweep': {
      // A running count first: progress columns take their first field as a rising x (members interleave steps).
      let n = 0;
      const result = await runSaeSweepJob(
        { engine },
        store,
        spec.sweep,
        {
          onStart: (i) => {
            hooks.onStart({
              method: 'sae-sweep',
              fields: [...SAE_SWEEP_PROGRESS_PREFIX, ...SAE_PROGRESS_FIELDS],
              trainRows: i.trainRows,
              testRows: i.testRows,
              classes: [],
            });
            hooks.onStage?.(
              `${i.implementation}: ${i.members.length} members, d_in ${i.dIn}, ${(i.memoryBytes / 2 ** 20).toFixed(1)} MiB`,
            );
          },
          onProgress: (id, point) => {
            const p = new Float64Array(point.length + 2);
            p[0] = n++;
            p[1] = id;
            p.set(point, 2);
            hooks.onProgress(p);
          },
          onMemberEnd: () => {},
          isCancelled: hooks.isCancelled,
        },
        ctx.sweepControl,
      );
      return result ? { method: 'sae-sweep', result } : null;
    }
    default:
      return assertNever(spec);
  }
}

/** SAE jobs announce their shape and implementation; the UI gets the usual start info plus a stage line. */
function saeHooks(method: 'sae-train' | 'sae-eval', hooks: JobHooks): SaeJobHooks {
  return {
    onStart: (i) => {
      hooks.onStart({
        method,
        fields: [...SAE_PROGRESS_FIELDS],
        trainRows: i.trainRows,
        testRows: i.testRows,
        classes: [],
      });
      hooks.onStage?.(`${i.implementation}: d_in ${i.dIn} → d_sae ${i.dSae}`);
    },
    onProgress: hooks.onProgress,
    isCancelled: hooks.isCancelled,
  };
}
