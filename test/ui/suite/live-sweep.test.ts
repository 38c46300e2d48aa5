// The live probe-sweep grid fed by a real sweep on the CPU engine: cells fill in grid order, the next empty cell
// is the running one, the best so far is the brute-force best of the cells in, and the last grid equals the result.
import { beforeAll, expect, test } from 'vitest';
import { createEngine } from '../../../src/engine/create-engine';
import type { Engine } from '../../../src/core/engine/engine';
import { sweepProbes, type SweepCell, type SweepSetting } from '../../../src/core/probes/probe-sweep';
import { DEFAULT_LOGISTIC } from '../../../src/core/probes/logistic';
import { stratifiedKFold } from '../../../src/core/split/kfold';
import type { ProbeSuiteSpec, StreamedSweepCell } from '../../../src/protocol';
import { cellState, fillCell, runningCell, startLiveSweep, type LiveSweep } from '../../../src/ui/suite/live-sweep';
import { layers } from '../../core/probes/datasets';

let engine: Engine;
beforeAll(async () => {
  engine = (await createEngine('cpu')).engine;
});

const settings: SweepSetting[] = [
  { method: 'logistic', C: 0.01 },
  { method: 'lda', shrinkage: 0.5 },
  { method: 'lda', shrinkage: 'ledoit-wolf' },
];

function spec(names: string[], selectBy: 'accuracy' | 'auroc'): ProbeSuiteSpec {
  const ref = { fileId: 'f1', key: 'x' };
  return {
    method: 'probe-sweep',
    data: {
      labels: ref,
      split: { kind: 'random', testFraction: 0.25, seed: 0, stratify: true },
      layers: names.map((name) => ({ name, activations: ref })),
    },
    config: { logistic: DEFAULT_LOGISTIC, ldaStandardize: true, settings, selectBy, folds: 3, seed: 0 },
    eval: {
      bootstrap: { samples: 50, seed: 0, level: 0.95 },
      histogramBins: 10,
      reliabilityBins: 10,
      platt: false,
    },
  };
}

/** The best cell by the rule written out here: highest mean CV metric, ties to lower CV log-loss, then earlier. */
function bruteBest(cells: StreamedSweepCell[], by: 'accuracy' | 'auroc') {
  let best = cells[0];
  for (const c of cells.slice(1)) {
    const a = c.cv[by].mean ?? -Infinity;
    const b = best.cv[by].mean ?? -Infinity;
    if (a > b || (a === b && (c.cv.logLoss.mean ?? Infinity) < (best.cv.logLoss.mean ?? Infinity))) best = c;
  }
  return { layer: best.layer, setting: best.setting };
}

for (const selectBy of ['accuracy', 'auroc'] as const) {
  test(`cells stream in grid order, the best so far is tracked, and the last grid equals the result (by ${selectBy})`, async () => {
    const l = await layers();
    const picked = [0, 2, 5];
    const inputs = picked.map((i) => ({ name: `layer_${i}`, x: l.perLayer[i], cols: l.cols }));
    let grid = startLiveSweep(
      spec(
        inputs.map((i) => i.name),
        selectBy,
      ),
    ) as LiveSweep;
    expect(grid.filled).toBe(0);
    expect(grid.best).toBeNull();
    expect(runningCell(grid)).toEqual({ layer: 0, setting: 0 });
    const arrived: StreamedSweepCell[] = [];
    const folds = stratifiedKFold(l.split.train, l.labels, 3, 0);
    const result = await sweepProbes(
      engine,
      inputs,
      l.rows,
      l.labels,
      l.classes,
      l.split,
      folds,
      { logistic: DEFAULT_LOGISTIC, ldaStandardize: true, settings, selectBy },
      { samples: 50, seed: 0 },
      {
        onCell: (c: SweepCell, index) => {
          const { model: _, ...streamed } = c;
          // Grid order: layer by layer, each layer's settings in turn.
          expect(index).toBe(arrived.length);
          expect([c.layer, c.setting]).toEqual([Math.floor(index / settings.length), index % settings.length]);
          expect(cellState(grid, c.layer, c.setting)).toBe('running');
          grid = fillCell(grid, streamed);
          arrived.push(streamed);
          expect(grid.filled).toBe(arrived.length);
          expect(cellState(grid, c.layer, c.setting)).toBe('done');
          expect(grid.best).toEqual(bruteBest(arrived, selectBy));
          const next = index + 1;
          const total = inputs.length * settings.length;
          expect(runningCell(grid)).toEqual(
            next < total ? { layer: Math.floor(next / settings.length), setting: next % settings.length } : null,
          );
          // Every cell after the running one waits.
          for (let k = next + 1; k < total; k++)
            expect(cellState(grid, Math.floor(k / settings.length), k % settings.length)).toBe('pending');
        },
      },
    );
    expect(result).not.toBeNull();
    expect(grid.filled).toBe(9);
    expect(grid.best).toEqual(result!.best);
    grid.cells.forEach((row, li) =>
      row.forEach((c, si) => {
        const { model: _, ...fin } = result!.cells[li][si];
        expect(c).toEqual(fin);
      }),
    );
  }, 120_000);
}

test('a cell outside the grid is refused; a cell sent again replaces its copy; other jobs have no grid', () => {
  const s = spec(['a', 'b'], 'accuracy');
  const grid = startLiveSweep(s)!;
  const cell = (layer: number, setting: number, acc: number): StreamedSweepCell => {
    const ms = { mean: acc, std: 0 };
    const metrics = { accuracy: acc, auroc: acc, logLoss: 1 - acc, rows: 10 } as unknown as SweepCell['test'];
    return {
      layer,
      setting,
      cv: { accuracy: ms, auroc: ms, logLoss: { mean: 1 - acc, std: 0 }, trainAccuracy: ms },
      train: metrics,
      test: metrics,
      testIntervals: { accuracy: null, auroc: null },
    };
  };
  expect(() => fillCell(grid, cell(2, 0, 0.5))).toThrow(/outside the 2 × 3 grid/);
  expect(() => fillCell(grid, cell(0, 3, 0.5))).toThrow(/outside/);
  const once = fillCell(grid, cell(0, 0, 0.6));
  const twice = fillCell(once, cell(0, 0, 0.7));
  expect(twice.filled).toBe(1);
  expect(twice.cells[0][0]!.cv.accuracy.mean).toBe(0.7);
  // The grid started is never changed in place: a raw $state holding it sees each new one.
  expect(grid.cells[0][0]).toBeNull();
  expect(startLiveSweep({ ...s, method: 'lda', config: { shrinkage: 0, standardize: true } } as ProbeSuiteSpec)).toBe(
    null,
  );
});
