// Minimal canvas plotting shared by the probe views (ROC, reliability, histograms, confusion): a device-pixel-
// ratio aware canvas, linear scales and a framed axis box. One canvas per chart, never a DOM node per point.
import { formatTicks, linearTicks, logTicks } from '../charts/ticks';

export interface PlotBox {
  ctx: CanvasRenderingContext2D;
  /** Plot area in CSS pixels. */
  left: number;
  top: number;
  width: number;
  height: number;
  x: (v: number) => number;
  y: (v: number) => number;
}

export const TRAIN_COLOR = '#2457c5';
export const TEST_COLOR = '#d9480f';
/** Heat-map fill for a value scaled to [0, 1] (the transfer matrix, the probe sweep); undefined values grey. */
export function heatFill(t: number | null): string {
  return t === null ? '#ddd' : `rgba(217, 72, 15, ${0.08 + 0.85 * t})`;
}

export const CLASS_COLORS = [
  '#2457c5',
  '#d9480f',
  '#2b8a3e',
  '#862e9c',
  '#e67700',
  '#0b7285',
  '#c2255c',
  '#5c940d',
  '#364fc7',
  '#a61e4d',
];

/** Sizes the canvas backing store for the screen and returns a context in CSS pixels. */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

/** Draws axes with a few ticks and labels, and returns the scales of the box inside them. */
export function axes(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  xRange: [number, number],
  yRange: [number, number],
  xLabel: string,
  yLabel: string,
  /** Log axes (ranges positive): decade ticks from charts/ticks, as the live charts' log scale uses. */
  log: { x?: boolean; y?: boolean } = {},
): PlotBox {
  const left = 44,
    top = 8,
    right = 8,
    bottom = 34;
  const w = width - left - right;
  const h = height - top - bottom;
  const at = (v: number, [lo, hi]: [number, number], isLog?: boolean) =>
    isLog ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo) || 1) : (v - lo) / (hi - lo || 1);
  const x = (v: number) => left + at(v, xRange, log.x) * w;
  const y = (v: number) => top + h - at(v, yRange, log.y) * h;
  ctx.strokeStyle = '#e2e2e0';
  ctx.fillStyle = '#6b6b70';
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeRect(left, top, w, h);
  ctx.textAlign = 'center';
  const xs = log.x ? logTicks(xRange[0], xRange[1]) : linearTicks(xRange[0], xRange[1]);
  formatTicks(xs).forEach((label, i) => ctx.fillText(label, x(xs[i]), top + h + 13));
  ctx.fillText(xLabel, left + w / 2, height - 4);
  ctx.textAlign = 'right';
  const ys = log.y ? logTicks(yRange[0], yRange[1]) : linearTicks(yRange[0], yRange[1]);
  formatTicks(ys).forEach((label, i) => ctx.fillText(label, left - 4, y(ys[i]) + 4));
  ctx.save();
  ctx.translate(10, top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  return { ctx, left, top, width: w, height: h, x, y };
}

export function polyline(
  box: PlotBox,
  xs: ArrayLike<number>,
  ys: ArrayLike<number | null>,
  color: string,
  dash: number[] = [],
): void {
  const { ctx } = box;
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.setLineDash(dash);
  ctx.beginPath();
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const v = ys[i];
    if (v === null) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(box.x(xs[i]), box.y(v));
    else ctx.moveTo(box.x(xs[i]), box.y(v));
    pen = true;
  }
  ctx.stroke();
  ctx.setLineDash([]);
}
