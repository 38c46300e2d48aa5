// The concept-erasure job end to end on breast_cancer: LEACE against the majority rate, the others beside it.
import { beforeAll, expect, test } from 'vitest';
import type { Engine } from '../../../src/core/engine/engine';
import type { DatasetStore } from '../../../src/jobs/dataset-store';
import { runAnalysisJob } from '../../../src/jobs/analysis-job';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';
import type { ErasureResult } from '../../../src/protocol';
import { breastCancerStore, hooks, ref, referenceSplit } from './breast-cancer-store';

let engine: Engine;
let store: DatasetStore;
beforeAll(async () => {
  ({ engine, store } = await breastCancerStore());
});

test('LEACE drops the retrained probe to the majority rate, probe-direction projection does not', async () => {
  const r = (await runAnalysisJob(
    engine,
    store,
    {
      kind: 'erasure',
      activations: { fileId: 'bc', key: 'X' },
      labels: { fileId: 'bc', key: 'y' },
      split: referenceSplit(),
      shrinkage: true,
      probe: DEFAULT_LOGISTIC,
    },
    hooks,
  )) as ErasureResult;
  expect(r.checks.map((c) => c.method)).toEqual(['none', 'leace', 'mean-difference', 'probe-direction']);
  expect(Math.abs(r.checks[0].test.accuracy! - ref().logreg_C1.test_acc)).toBeLessThan(1e-3);
  expect(Math.abs(r.checks[1].test.accuracy! - r.majorityRate)).toBeLessThanOrEqual(0.02);
  expect(r.checks[3].test.accuracy!).toBeGreaterThan(r.majorityRate + 0.1);
  expect(r.leace.proj_left.length).toBe(30 * r.leace.rank);
});
