// Axis ticks every chart uses: round values (1, 2 or 5 × 10^k), decades on log axes (never 0 there), and labels
// with just enough digits to tell neighbouring ticks apart ("0.0095, 0.01", never "9.5e-3" twice or "5.995").

/** The round step (1, 2 or 5 × 10^k) nearest above span / count. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag) as number;
}

/** A range worth drawing: a single value (or none) is widened so ticks can be placed around it. */
function spread(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi > lo) return [lo, hi];
  // A series stuck at 0 (a dead fraction, a loss at its floor) reads best from 0 up.
  if (lo === 0) return [0, 1];
  const pad = Math.abs(lo) * 0.1;
  return [lo - pad, hi + pad];
}

/**
 * About `count` round ticks inside [lo, hi]. `integer`: steps of at least 1 (counts such as steps or iterations).
 */
export function linearTicks(lo: number, hi: number, count = 5, integer = false): number[] {
  const [a, b] = spread(lo, hi);
  const step = Math.max(niceStep(b - a, count), integer ? 1 : 0);
  const out: number[] = [];
  const first = Math.ceil(a / step - 1e-9);
  for (let i = first; i * step <= b + step * 1e-9; i++) out.push(clean(i * step, step));
  return out;
}

/**
 * Round ticks whose labels fit side by side in `width` pixels (labels `charWidth` pixels per character, with room
 * between): as many as fit, down to the two ends of a narrow range such as 2.19291–2.19293.
 */
export function fittingTicks(
  lo: number,
  hi: number,
  width: number,
  charWidth = 6,
): { ticks: number[]; labels: string[] } {
  for (const count of [5, 4, 3, 2, 1]) {
    const ticks = linearTicks(lo, hi, count);
    const labels = formatTicks(ticks);
    const needed = labels.reduce((sum, l) => sum + (l.length + 2) * charWidth, 0);
    if (needed <= width || count === 1) return { ticks, labels };
  }
  return { ticks: [], labels: [] };
}

/** The range [lo, hi] widened to the round ticks just outside it, so a curve never touches the frame edge. */
export function niceRange(lo: number, hi: number, count = 5): [number, number] {
  const [a, b] = spread(lo, hi);
  const step = niceStep(b - a, count);
  return [clean(Math.floor(a / step + 1e-9) * step, step), clean(Math.ceil(b / step - 1e-9) * step, step)];
}

/** Ticks of a log axis over positive [lo, hi]: decades, with 2× and 5× when fewer than three decades show. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > 0)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  const k0 = Math.floor(Math.log10(lo) + 1e-9);
  const k1 = Math.ceil(Math.log10(hi) - 1e-9);
  const inside = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const decades: number[] = [];
  for (let k = k0; k <= k1; k++) decades.push(decade(k));
  const shown = decades.filter(inside);
  // Many decades: every decade (thinned to about eight labels).
  if (shown.length >= 3) {
    const every = Math.ceil(shown.length / 8);
    return shown.filter((_, i) => i % every === 0);
  }
  const withMultiples = decades.flatMap((d) => [d, clean(2 * d, d), clean(5 * d, d)]).filter(inside);
  if (withMultiples.length >= 2) return withMultiples;
  // Less than a factor of 2 across: round linear ticks, all positive.
  return linearTicks(lo, hi, 4).filter((v) => v > 0);
}

/** A log axis' range: the decades (or 2×/5× marks) just outside the data, so ticks sit at both ends. */
export function logRange(lo: number, hi: number): [number, number] {
  if (!(lo > 0) || !(hi > 0)) return [1, 10];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo / 2, hi * 2];
  const marks = (k: number) => [1, 2, 5].map((m) => clean(m * decade(k), decade(k)));
  const below = [...marks(Math.floor(Math.log10(lo)) - 1), ...marks(Math.floor(Math.log10(lo)))].filter(
    (v) => v <= lo * (1 + 1e-12),
  );
  const above = [...marks(Math.floor(Math.log10(hi))), ...marks(Math.floor(Math.log10(hi)) + 1)].filter(
    (v) => v >= hi * (1 - 1e-12),
  );
  return [below.at(-1) ?? lo, above[0] ?? hi];
}

/**
 * Labels for a set of ticks: the fewest digits that keep neighbours distinct and round values round. A tick the
 * chart left out (null, as uPlot thins crowded log ticks) gets an empty label.
 */
export function formatTicks(values: readonly (number | null)[]): string[] {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return values.map(() => '');
  let step = Infinity;
  const sorted = [...finite].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i] > sorted[i - 1]) step = Math.min(step, sorted[i] - sorted[i - 1]);
  const big = Math.max(...finite.map(Math.abs));
  // A log axis' ticks (each a power of ten times 1, 2 or 5, spanning decades) are labelled each on its own.
  const positive = finite.every((v) => v > 0);
  const logLike = positive && sorted.length > 1 && sorted.at(-1)! / sorted[0] >= 10;
  return values.map((v) =>
    v === null || !Number.isFinite(v) ? '' : logLike ? formatTick(v, Math.abs(v)) : formatTick(v, step, big),
  );
}

/** One tick's label: `step` is the spacing to tell it apart from, `big` the largest magnitude on the axis. */
export function formatTick(v: number, step: number, big = Math.abs(v)): string {
  if (v === 0) return '0';
  const s = Number.isFinite(step) && step > 0 ? step : Math.abs(v);
  if (big >= 1e5 || big < 1e-3) {
    // Scientific: mantissa digits enough for the step at this value's magnitude.
    const exp = Math.floor(Math.log10(Math.abs(v)));
    const digits = Math.max(0, Math.min(6, exp - Math.floor(Math.log10(s) + 1e-9)));
    const [m, e] = v.toExponential(digits).split('e');
    return `${stripZeros(m)}e${Number(e)}`;
  }
  const decimals = Math.max(0, Math.min(10, -Math.floor(Math.log10(s) + 1e-9)));
  return stripZeros(v.toFixed(decimals));
}

function stripZeros(t: string): string {
  return t.includes('.') ? t.replace(/\.?0+$/, '') : t;
}

/** 10^k exactly as written (10 ** -3 is 0.0010000000000000002). */
function decade(k: number): number {
  return Number(`1e${k}`);
}

/** A multiple of `step` without float noise (0.30000000000000004 → 0.3); exact zero when it is one. */
function clean(v: number, step: number): number {
  if (Math.abs(v) < Math.abs(step) * 1e-9) return 0;
  return Number(v.toPrecision(12));
}
