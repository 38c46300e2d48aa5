import { expect, test } from 'vitest';
import { exportRun, importRun, type RunRecord } from '../../../src/core/runs/run-record';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';

function run(): RunRecord {
  const weights = Float64Array.from([0.1, -0, 1e-310, Math.PI, -2.5e300]);
  return {
    id: 'r1', name: 'C=1 on breast_cancer', createdAt: 1_700_000_000_000,
    setup: { version: 1, method: 'logistic', config: DEFAULT_LOGISTIC, split: { kind: 'random', testFraction: 0.25, seed: 0, stratify: true }, data: {} },
    engine: { backend: 'webgpu', implementation: 'tfjs-webgpu', adapter: 'x', precision: 'f32' },
    progress: { fields: ['iteration', 'testAuroc'], columns: [[1, 2], [0.5, null]] },
    result: {
      method: 'logistic', classes: ['0', '1'], outputs: 1, cols: 5, weights, intercept: Float64Array.from([0.3]),
      mean: new Float64Array(5), scale: new Float64Array(5).fill(1),
      train: { accuracy: 1, auroc: null, logLoss: 0.1, rows: 10 }, test: { accuracy: 0.9, auroc: 0.95, logLoss: 0.2, rows: 5 },
      iterations: 12, reason: 'converged', gradMax: 1e-7, lambdaMeanLoss: 0.05, elapsedMs: 10, trainRows: 10, testRows: 5,
    },
  };
}

test('an exported run re-imports bit-exactly, typed arrays and undefined metrics included', () => {
  const original = run();
  const back = importRun(exportRun(original), 'run.json');
  expect(back).toEqual(original);
  const a = new Uint8Array(original.result.weights.buffer);
  const b = new Uint8Array((back.result.weights as Float64Array).buffer);
  expect(Array.from(b)).toEqual(Array.from(a));
  expect(Object.is((back.result.weights as Float64Array)[1], -0)).toBe(true);
  expect(back.result.train.auroc).toBeNull();
});

test('a corrupted or foreign import gets a clear error naming the file', () => {
  expect(() => importRun('{"format":"other"}', 'x.json')).toThrow(/x.json: not a Probelab run export/);
  expect(() => importRun('{"format":"probelab-run","version":1,"run":{"id":"a"}}', 'y.json')).toThrow(/y.json: the run is missing name/);
  expect(() => importRun(exportRun(run()).slice(0, 200), 'cut.json')).toThrow(/cut.json/);
  const badTyped = exportRun(run()).replace('"$typed": "f64"', '"$typed": "f65"');
  expect(() => importRun(badTyped, 'z.json')).toThrow(/unknown typed-array kind/);
});
