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

/**
 * Appends a point. The first field is the x axis (step, iteration): a point at or before the last x means the
 * run went back (a resume from a checkpoint, a restart on a new device), so the rows from that x on are dropped
 * first and the curve carries on from there without a gap or a doubled stretch.
 */
export function appendProgress(p: ProgressColumns, point: Float64Array): void {
  const xs = p.columns[0];
  if (xs && xs.length && Number.isFinite(point[0]) && (xs.at(-1) ?? -Infinity) >= point[0]) {
    let keep = xs.length;
    while (keep > 0 && (xs[keep - 1] ?? -Infinity) >= point[0]) keep--;
    for (const col of p.columns) col.length = keep;
  }
  p.columns.forEach((col, i) => col.push(Number.isFinite(point[i]) ? point[i] : null));
}

/** A copy of the columns (plain arrays), e.g. to store beside a checkpoint or a run. */
export function copyProgress(p: { fields: readonly string[]; columns: ArrayLike<number | null>[] }): ProgressColumns {
  return { fields: [...p.fields], columns: p.columns.map((c) => Array.from(c)) };
}

/** The column of a field, or an empty one when the job does not report it. */
export function column(p: ProgressColumns, field: string): (number | null)[] {
  const i = p.fields.indexOf(field);
  return i >= 0 ? p.columns[i] : [];
}

/** The last finite value of a field, or null. */
export function lastValue(p: ProgressColumns, field: string): number | null {
  const c = column(p, field);
  for (let i = c.length - 1; i >= 0; i--) if (c[i] !== null) return c[i];
  return null;
}
