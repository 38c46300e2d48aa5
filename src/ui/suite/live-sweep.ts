// A probe sweep's grid while it runs: cells fill in as the job streams them (layer by layer, setting by setting),
// the next empty cell is the one running, the rest are pending, and the best cell so far is chosen by the same
// rule and order the finished sweep uses, so the last streamed grid and the result agree. Immutable values, so a
// raw $state holding one redraws on every cell.
import { bestCell, type SweepSetting } from '../../core/probes/probe-sweep';
import type { ProbeSuiteSpec, StreamedSweepCell } from '../../protocol';

export type CellState = 'done' | 'running' | 'pending';

export interface LiveSweep {
  names: string[];
  settings: SweepSetting[];
  selectBy: Extract<ProbeSuiteSpec, { method: 'probe-sweep' }>['config']['selectBy'];
  /** [layer][setting]; null until the cell arrives. */
  cells: (StreamedSweepCell | null)[][];
  filled: number;
  /** The best of the cells in so far by mean CV metric (null before the first). */
  best: { layer: number; setting: number } | null;
}

/** The empty grid of a probe-sweep spec (null for any other job). */
export function startLiveSweep(spec: ProbeSuiteSpec): LiveSweep | null {
  if (spec.method !== 'probe-sweep') return null;
  const names = spec.data.layers.map((l) => l.name);
  const settings = spec.config.settings;
  return {
    names,
    settings,
    selectBy: spec.config.selectBy,
    cells: names.map(() => settings.map(() => null)),
    filled: 0,
    best: null,
  };
}

/** The grid with one more cell (a cell sent again, after a restart, replaces its earlier copy). */
export function fillCell(grid: LiveSweep, cell: StreamedSweepCell): LiveSweep {
  const row = grid.cells[cell.layer];
  if (!row || cell.setting < 0 || cell.setting >= row.length)
    throw new Error(
      `cell (${cell.layer}, ${cell.setting}) lies outside the ${grid.names.length} × ${grid.settings.length} grid`,
    );
  const cells = grid.cells.map((r, l) => (l === cell.layer ? r.map((c, s) => (s === cell.setting ? cell : c)) : r));
  const inOrder = cells.flat().filter((c): c is StreamedSweepCell => c !== null);
  return { ...grid, cells, filled: inOrder.length, best: bestCell(inOrder, grid.selectBy) };
}

/** The cell the job works on now: the first empty one in grid order (null once all are in). */
export function runningCell(grid: LiveSweep): { layer: number; setting: number } | null {
  for (let l = 0; l < grid.cells.length; l++) {
    const s = grid.cells[l].indexOf(null);
    if (s >= 0) return { layer: l, setting: s };
  }
  return null;
}

export function cellState(grid: LiveSweep, layer: number, setting: number): CellState {
  if (grid.cells[layer][setting]) return 'done';
  const r = runningCell(grid);
  return r && r.layer === layer && r.setting === setting ? 'running' : 'pending';
}

export function totalCells(grid: LiveSweep): number {
  return grid.names.length * grid.settings.length;
}
