// Progress points kept as columns ([xs, ys1, ys2, ...]), the layout uPlot draws without copying.
// Undefined metrics (NaN on the wire) become null, which uPlot draws as a gap rather than a value.
import { PROGRESS_FIELDS, type ProgressField } from '../protocol';

export type ProgressColumns = Record<ProgressField, (number | null)[]>;

export function emptyProgress(): ProgressColumns {
  return Object.fromEntries(PROGRESS_FIELDS.map((f) => [f, []])) as unknown as ProgressColumns;
}

export function appendProgress(columns: ProgressColumns, point: Float64Array): void {
  PROGRESS_FIELDS.forEach((f, i) => { columns[f].push(Number.isFinite(point[i]) ? point[i] : null); });
}
