// The PCA job end to end on breast_cancer: a seeded, reported sample of rows and numpy's explained variance.
import { beforeAll, expect, test } from 'vitest';
import type { Engine } from '../../../src/core/engine/engine';
import type { DatasetStore } from '../../../src/jobs/dataset-store';
import { runAnalysisJob } from '../../../src/jobs/analysis-job';
import type { PcaResult } from '../../../src/protocol';
import { breastCancerStore, hooks } from './breast-cancer-store';

let engine: Engine;
let store: DatasetStore;
beforeAll(async () => {
  ({ engine, store } = await breastCancerStore());
});

test("samples with a seed, says so, and matches numpy's ratios on standardized rows", async () => {
  const spec = {
    kind: 'pca' as const,
    activations: { fileId: 'bc', key: 'X' },
    components: 5,
    pair: [0, 1] as [number, number],
    maxPoints: 100,
    seed: 1,
    standardize: true,
  };
  const r = (await runAnalysisJob(engine, store, spec, hooks)) as PcaResult;
  expect(r.sampled).toBe(true);
  expect(r.xs.length).toBe(100);
  // Standardized on all 569 rows here: the well-known full-data ratio 0.4427 (numpy, computed independently).
  expect(r.explainedVarianceRatio[0]).toBeCloseTo(0.44272026, 6);
  const again = (await runAnalysisJob(engine, store, spec, hooks)) as PcaResult;
  expect(Array.from(again.rowIndex)).toEqual(Array.from(r.rowIndex));
});
