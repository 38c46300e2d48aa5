// Sweep grids: `name=v1,v2,…` axes parsed from a flag value, their cartesian product in a stable order, and the
// labels and folder-safe slugs that name each grid point. Shared by SAE and probe sweeps; knows no setting names.

export type AxisValue = number | string;

export interface SweepAxis {
  name: string;
  /** Distinct values in the order given: the order the grid walks them in. */
  values: AxisValue[];
}

/** One grid point: a value for every axis, keyed by axis name. */
export type GridPoint = Readonly<Record<string, AxisValue>>;

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Short excerpt of user input for an error message (hostile input is quoted, never echoed whole). */
function excerpt(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

/**
 * One axis from `name=v1,v2,…`. Values are numbers when every one parses as a finite number (`1e-3`, `0.01`),
 * otherwise strings (`arch=topk,relu`, `layer=all`); empty, repeated or missing values are errors.
 */
export function parseSweepAxis(flag: string): SweepAxis {
  const eq = flag.indexOf('=');
  if (eq < 0) throw new Error(`invalid --sweep ${excerpt(flag)}: expected name=v1,v2,…`);
  const name = flag.slice(0, eq).trim();
  if (!NAME.test(name)) throw new Error(`invalid --sweep name ${excerpt(name)}: letters, digits, '-' or '_'`);
  const raw = flag
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim());
  if (raw.some((v) => v === '')) throw new Error(`invalid --sweep ${name}: empty value in ${excerpt(flag)}`);
  const numeric = raw.every((v) => Number.isFinite(Number(v)));
  const values: AxisValue[] = numeric ? raw.map(Number) : raw;
  const seen = new Set<AxisValue>();
  for (const v of values) {
    if (seen.has(v)) throw new Error(`invalid --sweep ${name}: ${excerpt(String(v))} is given twice`);
    seen.add(v);
  }
  return { name, values };
}

/** Axes from repeated `--sweep` flags, in the order given; one axis per name. */
export function parseSweepAxes(flags: readonly string[]): SweepAxis[] {
  const axes = flags.map(parseSweepAxis);
  const names = new Set<string>();
  for (const a of axes) {
    if (names.has(a.name)) throw new Error(`--sweep ${a.name} is given twice: list all its values in one flag`);
    names.add(a.name);
  }
  return axes;
}

/** The number of points of the grid (1 for no axes: the single run). */
export function gridSize(axes: readonly SweepAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/**
 * Every combination of the axes' values, the first axis varying slowest (itertools.product's order), so a grid
 * expands the same way every time and point i of a sweep names the same settings in every export.
 */
export function expandGrid(axes: readonly SweepAxis[]): GridPoint[] {
  let points: Record<string, AxisValue>[] = [{}];
  for (const axis of axes) {
    if (axis.values.length === 0) throw new Error(`--sweep ${axis.name} has no values`);
    points = points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.name]: v })));
  }
  return points;
}

/** `k=16 d-sae=1024`: the point's values in axis order (the point's own key order when no axes are given). */
export function pointLabel(point: GridPoint, axes?: readonly SweepAxis[]): string {
  const names = axes ? axes.map((a) => a.name) : Object.keys(point);
  return names.map((n) => `${n}=${point[n]}`).join(' ');
}

/** `k-16_d-sae-1024`: a label safe as a folder or file name on every OS. */
export function pointSlug(point: GridPoint, axes?: readonly SweepAxis[]): string {
  const names = axes ? axes.map((a) => a.name) : Object.keys(point);
  const slug = names.map((n) => `${n}-${String(point[n]).replace(/[^A-Za-z0-9.+-]/g, '_')}`).join('_');
  return slug === '' ? 'single' : slug;
}

/** The values of a numeric axis, checked (integer, ≥ min) with the bad value named. */
export function numericValues(axis: SweepAxis, opts: { integer?: boolean; min?: number } = {}): number[] {
  return axis.values.map((v) => {
    const ok =
      typeof v === 'number' && (!opts.integer || Number.isInteger(v)) && (opts.min === undefined || v >= opts.min);
    if (!ok) {
      const want = `${opts.integer ? 'an integer' : 'a number'}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}`;
      throw new Error(`--sweep ${axis.name}: ${excerpt(String(v))} is not ${want}`);
    }
    return v as number;
  });
}
