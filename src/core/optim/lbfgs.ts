// Limited-memory BFGS on the host in f64, with an async objective so the loss and gradient can come from the
// GPU. The parameter vectors are small (D·K), so the two-loop recursion costs nothing next to one evaluation.

export type Objective = (x: Float64Array) => Promise<{ f: number; g: Float64Array }>;

export interface LbfgsOptions {
  /** Stop when max |gradient| ≤ gtol. */
  gtol: number;
  maxIter: number;
  /**
   * Stop as 'precision-floor' after 3 consecutive steps whose relative decrease of f is below this: the
   * objective is computed in f32, so decreases under a few f32 ulps are noise, not progress.
   */
  ftolRel?: number;
  memory?: number;
  /** Called after every accepted step; return false to stop early. */
  onIter?: (iter: number, x: Float64Array, f: number, gradMax: number) => Promise<boolean> | boolean;
}

export type StopReason = 'converged' | 'max-iter' | 'precision-floor' | 'stopped' | 'non-finite';

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  gradMax: number;
  iterations: number;
  evaluations: number;
  reason: StopReason;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const maxAbs = (a: Float64Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

export async function minimizeLbfgs(objective: Objective, x0: Float64Array, opts: LbfgsOptions): Promise<LbfgsResult> {
  const m = opts.memory ?? 10;
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  const first = await objective(x);
  let f = first.f;
  let g: Float64Array = first.g;
  let evaluations = 1;
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rho: number[] = [];
  const done = (iterations: number, reason: StopReason): LbfgsResult => ({
    x,
    f,
    gradMax: maxAbs(g),
    iterations,
    evaluations,
    reason,
  });

  if (!Number.isFinite(f)) return done(0, 'non-finite');
  let flatSteps = 0;
  for (let iter = 1; iter <= opts.maxIter; iter++) {
    if (maxAbs(g) <= opts.gtol) return done(iter - 1, 'converged');
    const d = twoLoopDirection(g, sList, yList, rho);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Curvature pairs went stale: restart from steepest descent.
      sList.length = yList.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = dot(g, d);
    }
    // The first step has no curvature information: scale it so the step length is 1 in the max norm.
    let t = sList.length === 0 ? Math.min(1, 1 / Math.max(maxAbs(g), 1e-12)) : 1;
    let accepted: { x: Float64Array; f: number; g: Float64Array } | null = null;
    for (let ls = 0; ls < 30; ls++) {
      const xt = new Float64Array(n);
      for (let i = 0; i < n; i++) xt[i] = x[i] + t * d[i];
      const r = await objective(xt);
      evaluations++;
      if (Number.isFinite(r.f) && r.f <= f + 1e-4 * t * slope) {
        accepted = { x: xt, f: r.f, g: r.g };
        break;
      }
      // Backtrack by safeguarded quadratic interpolation on the line.
      const tq = Number.isFinite(r.f) ? (-slope * t * t) / (2 * (r.f - f - slope * t)) : t * 0.1;
      t = Math.min(0.5 * t, Math.max(0.1 * t, tq));
    }
    // No sufficient decrease along a descent direction: the loss is at the precision it is computed in.
    if (!accepted) return done(iter - 1, 'precision-floor');
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = accepted.x[i] - x[i];
      y[i] = accepted.g[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) {
      sList.push(s);
      yList.push(y);
      rho.push(1 / sy);
      if (sList.length > m) {
        sList.shift();
        yList.shift();
        rho.shift();
      }
    }
    const decrease = (f - accepted.f) / Math.max(Math.abs(f), Math.abs(accepted.f), 1);
    flatSteps = decrease <= (opts.ftolRel ?? 0) ? flatSteps + 1 : 0;
    x = accepted.x;
    f = accepted.f;
    g = accepted.g;
    if (opts.onIter && (await opts.onIter(iter, x, f, maxAbs(g))) === false) return done(iter, 'stopped');
    if (maxAbs(g) <= opts.gtol) return done(iter, 'converged');
    if (flatSteps >= 3) return done(iter, 'precision-floor');
    if (iter === opts.maxIter) return done(iter, maxAbs(g) <= opts.gtol ? 'converged' : 'max-iter');
  }
  return done(opts.maxIter, 'max-iter');
}

function twoLoopDirection(g: Float64Array, sList: Float64Array[], yList: Float64Array[], rho: number[]): Float64Array {
  const q = Float64Array.from(g);
  const k = sList.length;
  const alpha = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    const a = (alpha[i] = rho[i] * dot(sList[i], q));
    const y = yList[i];
    for (let j = 0; j < q.length; j++) q[j] -= a * y[j];
  }
  if (k > 0) {
    const gamma = dot(sList[k - 1], yList[k - 1]) / dot(yList[k - 1], yList[k - 1]);
    for (let j = 0; j < q.length; j++) q[j] *= gamma;
  }
  for (let i = 0; i < k; i++) {
    const step = alpha[i] - rho[i] * dot(yList[i], q);
    const s = sList[i];
    for (let j = 0; j < q.length; j++) q[j] += s[j] * step;
  }
  for (let j = 0; j < q.length; j++) q[j] = -q[j];
  return q;
}
