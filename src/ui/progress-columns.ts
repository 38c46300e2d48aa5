// Progress points kept as columns ([xs, ys1, ys2, ...]), the layout uPlot draws without copying. The field
// names come from the job's start message, so any method's curves use the same store.
// Undefined metrics (NaN on the wire) become null, which uPlot draws as a gap rather than a value.

export interface ProgressColumns {
  fields: string[];
  columns: (number | null)[][];
}

export function emptyProgress(fields: string[] = []): ProgressColumns {
  return { fields, columns: fields.map(() => []) };
}

export function appendProgress(p: ProgressColumns, point: Float64Array): void {
  p.columns.forEach((col, i) => col.push(Number.isFinite(point[i]) ? point[i] : null));
}

/** The column of a field, or an empty one when the job does not report it. */
export function column(p: ProgressColumns, field: string): (number | null)[] {
  const i = p.fields.indexOf(field);
  return i >= 0 ? p.columns[i] : [];
}
