// Aligns several runs' curves on one x axis (the union of their x values) for an overlaid chart.
import type { RunRecord } from './run-record';

export function alignRuns(runs: RunRecord[], xField: string, yField: string): (number | null)[][] {
  const xs = [
    ...new Set(
      runs.flatMap((r) =>
        (r.progress.columns[r.progress.fields.indexOf(xField)] ?? []).filter((v): v is number => v !== null),
      ),
    ),
  ].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const series = runs.map((r) => {
    const xCol = r.progress.columns[r.progress.fields.indexOf(xField)] ?? [];
    const yCol = r.progress.columns[r.progress.fields.indexOf(yField)] ?? [];
    const out: (number | null)[] = new Array(xs.length).fill(null);
    xCol.forEach((x, i) => {
      if (x !== null) out[index.get(x)!] = yCol[i] ?? null;
    });
    return out;
  });
  return [xs, ...series];
}

/** The runs that recorded a curve of y against x (at least one point). */
export function runsWithCurve(runs: RunRecord[], xField: string, yField: string): RunRecord[] {
  return runs.filter((r) => {
    const x = r.progress.fields.indexOf(xField);
    const y = r.progress.fields.indexOf(yField);
    return x >= 0 && y >= 0 && (r.progress.columns[x]?.length ?? 0) > 0;
  });
}
