// The L-BFGS used on both sides of the logistic benchmark (mirrored in torch_reference.py): memory 10, Armijo
// backtracking from step 1 (first step min(1, 1/‖g‖₁)), stop when max|∇f| ≤ tol. Host vectors in f64.
export interface LbfgsResult { x: Float64Array; f: number; iterations: number; evaluations: number; converged: boolean; maxGrad: number }

export async function lbfgs(fg: (x: Float64Array) => Promise<{ f: number; g: Float64Array }>, n: number, tol: number, maxIter: number): Promise<LbfgsResult> {
  const dot = (a: Float64Array, b: Float64Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
  const maxAbs = (a: Float64Array) => { let s = 0; for (const v of a) s = Math.max(s, Math.abs(v)); return s; };
  let x: Float64Array = new Float64Array(n);
  let { f, g } = await fg(x);
  let evaluations = 1, it = 0, converged = false;
  const S: Float64Array[] = [], Y: Float64Array[] = [];
  while (it < maxIter) {
    if (maxAbs(g) <= tol) { converged = true; break; }
    const q = Float64Array.from(g), al: number[] = [];
    for (let j = S.length - 1; j >= 0; j--) {
      const a = dot(S[j], q) / dot(Y[j], S[j]);
      al.push(a);
      for (let i = 0; i < n; i++) q[i] -= a * Y[j][i];
    }
    if (S.length) { const c = dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]); for (let i = 0; i < n; i++) q[i] *= c; }
    for (let j = 0; j < S.length; j++) {
      const b = dot(Y[j], q) / dot(Y[j], S[j]);
      const a = al[S.length - 1 - j];
      for (let i = 0; i < n; i++) q[i] += S[j][i] * (a - b);
    }
    const p = q.map((v) => -v);
    const gtp = dot(g, p);
    let t = S.length ? 1 : Math.min(1, 1 / g.reduce((a, v) => a + Math.abs(v), 0));
    let xn: Float64Array = x, r: { f: number; g: Float64Array };
    for (;;) {
      xn = x.map((v, i) => v + t * p[i]);
      r = await fg(xn);
      evaluations++;
      if (r.f <= f + 1e-4 * t * gtp || t < 1e-10) break;
      t *= 0.5;
    }
    const s = xn.map((v, i) => v - x[i]), y = r.g.map((v, i) => v - g[i]);
    if (dot(y, s) > 1e-10) { S.push(s); Y.push(y); if (S.length > 10) { S.shift(); Y.shift(); } }
    x = xn; f = r.f; g = r.g; it++;
  }
  return { x, f, iterations: it, evaluations, converged, maxGrad: maxAbs(g) };
}
