// Symmetric eigen-decomposition in f64 that scales to D in the thousands, LAPACK's dsyevd route: blocked
// Householder tridiagonalisation (half the work as rank-2k matrix products), Cuppen's divide and conquer on the
// tridiagonal (deflation, secular equation, Gu–Eisenstat vectors, merges as matrix products), and a blocked
// (compact WY) back-transformation. Matrix products and the reduction's matrix-vector products go through the
// installed host kernels (hostKernels: plain JavaScript, or WebAssembly SIMD once an engine installs it), on a
// workspace they update in place; small tridiagonal leaves use implicit-shift QL. Deterministic for a given set of
// kernels: fixed operation order, fixed signs.
import { transposed, view } from './gemm-f64';
import { hostKernels, type HostKernels } from './host-kernels';

export interface SymmetricEigen {
  /** Eigenvalues in descending order. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major D×D matrix, in the same order (V[i*D + k] = component i of vector k). */
  vectors: Float64Array;
}

const EPS = Number.EPSILON;
/** Smallest normal f64: couplings below it also split, so QL never chases subnormals (or exact zeros). */
const TINY = 2 ** -1022;
/** Reflectors per panel in the reduction and back-transformation. */
const NB = 32;
/** Tridiagonal blocks this small are solved by QL instead of being split further. */
const LEAF = 32;

/**
 * Eigen-decomposition of a symmetric matrix (only the upper triangle need be meaningful). `maxIterations`
 * caps the implicit QL steps spent on any one eigenvalue of a leaf block (2–3 is typical); past it this throws
 * rather than return unconverged pairs.
 */
export function symmetricEigen(matrix: Float64Array, n: number, maxIterations = 100): SymmetricEigen {
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`symmetricEigen: invalid dimension ${n}`);
  if (matrix.length !== n * n)
    throw new Error(`symmetricEigen: matrix has ${matrix.length} entries, expected ${n}×${n}`);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const x = matrix[i * n + j];
      if (!Number.isFinite(x))
        throw new Error(`symmetricEigen: matrix entry (${i}, ${j}) is ${x}; the matrix must be finite`);
    }
  }
  const kernels = hostKernels();
  // Every large operand lives in the workspace, so products read and update it in place (and, with helper
  // threads, share the work).
  const ws = kernels.workspace([
    n * n,
    n * n,
    n,
    2 * NB * n,
    n * NB,
    n * NB,
    NB,
    NB,
    n * 2 * NB,
    n * NB,
    NB * n,
    NB * n,
  ]);
  try {
    const [a, z, p, wvT, vp, wp, s1, s2, vw, vpan, y, y2] = ws.arrays;
    a.set(matrix);
    const diag = new Float64Array(n);
    const off = new Float64Array(n);
    const beta = tridiagonalize(kernels, a, n, diag, off, { p, wvT, vp, wp, s1, s2, vw });
    tridiagonalEigen(kernels, diag, off, z, n, maxIterations);
    backTransform(kernels, a, n, beta, z, { vpan, y, y2 });
    return sortedColumns(diag, z, n, new Float64Array(n * n));
  } finally {
    ws.release();
  }
}

/** The reduction's scratch, in the kernels' workspace. */
interface ReductionWork {
  /** B v for the current reflector. */
  p: Float64Array;
  /** [W V]ᵀ of a finished panel (2NB × n), the right factor of its trailing update. */
  wvT: Float64Array;
  /** V[i][t]: component i of the panel's reflector t (0 at i ≤ its step), n × NB. */
  vp: Float64Array;
  /** W[i][t]: the matching w = βBv − (β² vᵀBv / 2) v, n × NB. */
  wp: Float64Array;
  /** Wᵀv and Vᵀv for the deferred part of B v (NB each). */
  s1: Float64Array;
  s2: Float64Array;
  /** [V W] of a finished panel (n × 2NB), the left factor of its trailing update. */
  vw: Float64Array;
}

/**
 * Householder reduction A = Q T Qᵀ, in place on the upper triangle of `a`. Step k reflects row k right of the
 * superdiagonal to zero with H_k = I − β_k v vᵀ; v is left in row k (columns k+1…n−1) for the back-transformation,
 * and β_k returned (0 where the row was already reduced). T's diagonal goes to d, its superdiagonal to e.
 * Panels of NB steps defer the trailing update B ← B − V Wᵀ − W Vᵀ to one matrix product per panel (LAPACK's
 * dlatrd); inside a panel each step corrects its own row and its B·v for the deferred part.
 */
function tridiagonalize(
  kernels: HostKernels,
  a: Float64Array,
  n: number,
  d: Float64Array,
  e: Float64Array,
  work: ReductionWork,
): Float64Array {
  const { p, wvT, vp, wp, s1, s2, vw } = work;
  const beta = new Float64Array(n);
  // The panel's rank-2nb update as one product: [V W] · [W V]ᵀ, the right factor stored transposed (2NB × n) so
  // its rows read contiguously.
  for (let k0 = 0; k0 < n - 2; k0 += NB) {
    const nb = Math.min(NB, n - 2 - k0);
    vp.fill(0);
    wp.fill(0);
    for (let jj = 0; jj < nb; jj++) {
      const k = k0 + jj;
      const vo = k * n;
      // Bring row k up to date with the panel's earlier reflectors.
      kernels.panelMv(a, vo, wp, vp, NB, vp, k * NB, wp, k * NB, jj, k, n);
      d[k] = a[vo + k];
      let tail = 0;
      for (let j = k + 2; j < n; j++) tail += Math.abs(a[vo + j]);
      if (tail === 0) {
        e[k] = a[vo + k + 1];
        continue;
      }
      // Work on the row divided by its 1-norm, so squaring its entries can neither overflow nor underflow.
      const scale = tail + Math.abs(a[vo + k + 1]);
      let h = 0;
      for (let j = k + 1; j < n; j++) {
        const x = a[vo + j] / scale;
        a[vo + j] = x;
        h += x * x;
      }
      const f = a[vo + k + 1];
      // The reflected row is g·e₁ with |g| = ‖x‖; taking g opposite in sign to x₁ keeps v₁ = x₁ − g free of cancellation.
      const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
      e[k] = scale * g;
      a[vo + k + 1] = f - g;
      const b = 1 / (h - f * g); // vᵀv = 2(h − f g), so β = 2 / vᵀv
      beta[k] = b;
      for (let i = k + 1; i < n; i++) vp[i * NB + jj] = a[vo + i];
      // p = B v on the not-yet-updated trailing block, from its upper triangle: row i contributes its dot with
      // v to p_i and v_i times itself to p_j>i.
      p.fill(0, k + 1, n);
      kernels.symvUpper(a, n, a, vo, p, k + 1, n);
      // … minus the deferred part (V Wᵀ + W Vᵀ) v.
      if (jj > 0) {
        kernels.panelTv(s1, s2, vp, wp, NB, a, vo, jj, k + 1, n);
        kernels.panelMv(p, 0, vp, wp, NB, s1, 0, s2, 0, jj, k + 1, n);
      }
      let vpDot = 0;
      for (let j = k + 1; j < n; j++) {
        p[j] *= b;
        vpDot += a[vo + j] * p[j];
      }
      const half = 0.5 * b * vpDot;
      for (let j = k + 1; j < n; j++) wp[j * NB + jj] = p[j] - half * a[vo + j];
    }
    // Trailing update of the upper triangle: B ← B − [V W]·[W V]ᵀ.
    const s0 = k0 + nb;
    for (let i = s0; i < n; i++) {
      for (let t = 0; t < nb; t++) {
        const x = vp[i * NB + t];
        const y = wp[i * NB + t];
        vw[i * 2 * NB + t] = x;
        vw[i * 2 * NB + nb + t] = y;
        wvT[t * n + i] = y;
        wvT[(nb + t) * n + i] = x;
      }
    }
    kernels.gemmUpper(n - s0, 2 * nb, -1, view(vw, s0 * 2 * NB, 2 * NB), view(wvT, s0, n), view(a, s0 * n + s0, n));
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2];
    e[n - 2] = a[(n - 2) * n + n - 1];
  }
  if (n >= 1) d[n - 1] = a[n * n - 1];
  return beta;
}

/**
 * Z ← Q Z with Q = H_0 ⋯ H_{n−3} from the reflectors `tridiagonalize` left in `a`: eigenvectors of the
 * tridiagonal become eigenvectors of A. Panels of NB reflectors act at once as I − V T Vᵀ (T upper triangular),
 * last panel first, so all the work is three matrix products per panel.
 */
function backTransform(
  kernels: HostKernels,
  a: Float64Array,
  n: number,
  beta: Float64Array,
  z: Float64Array,
  work: { vpan: Float64Array; y: Float64Array; y2: Float64Array },
): void {
  const { vpan, y, y2 } = work;
  const panels = Math.ceil(Math.max(0, n - 2) / NB);
  const t = new Float64Array(NB * NB);
  const tmp = new Float64Array(NB);
  const g = new Float64Array(NB * NB);
  for (let panel = panels - 1; panel >= 0; panel--) {
    const k0 = panel * NB;
    const nb = Math.min(NB, n - 2 - k0);
    const rows = n - k0 - 1; // rows k0+1 … n−1 of Z are touched
    vpan.fill(0, 0, rows * nb);
    for (let j = 0; j < nb; j++) {
      const vo = (k0 + j) * n;
      for (let i = k0 + j + 1; i < n; i++) vpan[(i - k0 - 1) * nb + j] = beta[k0 + j] === 0 ? 0 : a[vo + i];
    }
    t.fill(0);
    // T from the reflectors' inner products G = VᵀV (one product), column by column as in LAPACK's dlarft.
    kernels.gemm(nb, nb, rows, 1, transposed(view(vpan, 0, nb)), view(vpan, 0, nb), 0, view(g, 0, nb));
    for (let j = 0; j < nb; j++) {
      const bj = beta[k0 + j];
      t[j * NB + j] = bj;
      if (j === 0 || bj === 0) continue;
      for (let q = 0; q < j; q++) tmp[q] = g[q * nb + j];
      for (let q = 0; q < j; q++) {
        let s = 0;
        for (let r = q; r < j; r++) s += t[q * NB + r] * tmp[r];
        t[q * NB + j] = -bj * s;
      }
    }
    const zRows = view(z, (k0 + 1) * n, n);
    kernels.gemm(nb, n, rows, 1, transposed(view(vpan, 0, nb)), zRows, 0, view(y, 0, n));
    kernels.gemm(nb, n, nb, 1, view(t, 0, NB), view(y, 0, n), 0, view(y2, 0, n));
    kernels.gemm(rows, n, nb, -1, view(vpan, 0, nb), view(y2, 0, n), 1, zRows);
  }
}

/**
 * Eigenvectors (columns of the returned n×n matrix) of the symmetric tridiagonal (d, e), e[i] coupling i and
 * i+1; d is overwritten with the eigenvalues in the same (unsorted) order. The problem is scaled to unit
 * max-norm first so neither the secular equation nor QL can overflow.
 */
function tridiagonalEigen(
  kernels: HostKernels,
  d: Float64Array,
  e: Float64Array,
  z: Float64Array,
  n: number,
  maxIterations: number,
): void {
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(d[i]), i < n - 1 ? Math.abs(e[i]) : 0);
  if (scale === 0) {
    for (let i = 0; i < n; i++) z[i * n + i] = 1;
    return;
  }
  for (let i = 0; i < n; i++) {
    d[i] /= scale;
    e[i] /= scale;
  }
  divideAndConquer(kernels, d, e, z, n, 0, n, maxIterations);
  for (let i = 0; i < n; i++) d[i] *= scale;
}

/** Solves the block [lo, hi) of the tridiagonal into z's diagonal block [lo, hi)². */
function divideAndConquer(
  kernels: HostKernels,
  d: Float64Array,
  e: Float64Array,
  z: Float64Array,
  n: number,
  lo: number,
  hi: number,
  maxIterations: number,
): void {
  const s = hi - lo;
  if (s <= LEAF) {
    const dd = d.subarray(lo, hi);
    const ee = new Float64Array(s);
    for (let i = 0; i < s - 1; i++) ee[i] = e[lo + i];
    const rows = new Float64Array(s * s);
    for (let i = 0; i < s; i++) rows[i * s + i] = 1;
    tridiagonalQL(dd, ee, rows, s, maxIterations);
    for (let r = 0; r < s; r++) for (let c = 0; c < s; c++) z[(lo + r) * n + lo + c] = rows[c * s + r];
    return;
  }
  // T = diag(T₁, T₂) + ρ u uᵀ with u = e_{m−1} ± e_m and ρ = |β| ≥ 0 (the sign rides on u).
  const m = lo + (s >> 1);
  const coupling = e[m - 1];
  const rho = Math.abs(coupling);
  d[m - 1] -= rho;
  d[m] -= rho;
  divideAndConquer(kernels, d, e, z, n, lo, m, maxIterations);
  divideAndConquer(kernels, d, e, z, n, m, hi, maxIterations);
  merge(kernels, d, z, n, lo, m, hi, rho, coupling < 0 ? -1 : 1);
}

/** Column support inside a merged block: upper rows only, both halves, lower rows only. */
const UPPER = 0;
const DENSE = 1;
const LOWER = 2;

/**
 * Eigen-decomposition of D + ρ z zᵀ for the two solved halves (LAPACK's dlaed2/dlaed3): deflate tiny z
 * components and near-equal poles (Givens), solve the secular equation for the rest, rebuild z from the
 * computed roots (Gu–Eisenstat) so the new vectors are orthogonal to working precision, and multiply them into
 * the halves' eigenvectors, keeping the block structure (upper-only columns never meet lower rows).
 */
function merge(
  kernels: HostKernels,
  d: Float64Array,
  z: Float64Array,
  n: number,
  lo: number,
  m: number,
  hi: number,
  rho0: number,
  sign: number,
): void {
  const s = hi - lo;
  const n1 = m - lo;
  const col = (j: number) => lo + j; // column of z holding local eigenvector j
  const dv = d.slice(lo, hi);
  const zv = new Float64Array(s);
  for (let j = 0; j < n1; j++) zv[j] = z[(m - 1) * n + col(j)];
  for (let j = n1; j < s; j++) zv[j] = sign * z[m * n + col(j)];
  let norm2 = 0;
  for (let j = 0; j < s; j++) norm2 += zv[j] * zv[j];
  const norm = Math.sqrt(norm2);
  for (let j = 0; j < s; j++) zv[j] /= norm;
  const rho = rho0 * norm2;
  const type = new Uint8Array(s);
  for (let j = n1; j < s; j++) type[j] = LOWER;
  const order = Array.from({ length: s }, (_, j) => j).sort((x, y) => dv[x] - dv[y] || x - y);
  let dMax = 0;
  let zMax = 0;
  for (let j = 0; j < s; j++) {
    dMax = Math.max(dMax, Math.abs(dv[j]));
    zMax = Math.max(zMax, Math.abs(zv[j]));
  }
  const tol = 8 * EPS * Math.max(dMax, zMax);
  const kept: number[] = [];
  let pj = -1;
  for (const nj of order) {
    if (rho * Math.abs(zv[nj]) <= tol) continue; // deflated: (d_j, column j) is already an eigenpair
    if (pj < 0) {
      pj = nj;
      continue;
    }
    // Two poles close enough that a rotation zeroing z_pj perturbs the matrix by at most tol: deflate pj.
    const zs = zv[pj];
    const zc = zv[nj];
    const tau = Math.hypot(zc, zs);
    const c = zc / tau;
    const sn = -zs / tau;
    if (Math.abs((dv[nj] - dv[pj]) * c * sn) <= tol) {
      zv[nj] = tau;
      zv[pj] = 0;
      const cp = col(pj);
      const cn = col(nj);
      for (let r = lo; r < hi; r++) {
        const x = z[r * n + cp];
        const yv = z[r * n + cn];
        z[r * n + cp] = c * x + sn * yv;
        z[r * n + cn] = c * yv - sn * x;
      }
      const dp = dv[pj] * c * c + dv[nj] * sn * sn;
      dv[nj] = dv[pj] * sn * sn + dv[nj] * c * c;
      dv[pj] = dp;
      if (type[pj] !== type[nj]) type[pj] = type[nj] = DENSE;
      pj = nj;
      continue;
    }
    kept.push(pj);
    pj = nj;
  }
  if (pj >= 0) kept.push(pj);
  const k = kept.length;
  if (k === 0) {
    for (let j = 0; j < s; j++) d[lo + j] = dv[j];
    return;
  }
  // kept is ascending in d; solve the secular equation for each root between consecutive poles.
  const dk = Float64Array.from(kept, (j) => dv[j]);
  const zk = Float64Array.from(kept, (j) => zv[j]);
  const origin = new Int32Array(k);
  const tau = new Float64Array(k);
  for (let i = 0; i < k; i++) secularRoot(i, dk, zk, k, rho, origin, tau);
  // delta(j, i) = d_j − λ_i, formed from the root's nearest pole so it keeps its relative accuracy.
  const delta = (j: number, i: number) => dk[j] - dk[origin[i]] - tau[i];
  const zHat = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let w = delta(j, j);
    for (let i = 0; i < k; i++) if (i !== j) w *= delta(j, i) / (dk[j] - dk[i]);
    zHat[j] = zk[j] >= 0 ? Math.sqrt(Math.max(0, -w)) : -Math.sqrt(Math.max(0, -w));
  }
  // Kept columns ordered upper-only, dense, lower-only; U's rows follow the same order.
  const byType = [UPPER, DENSE, LOWER].flatMap((t) =>
    kept.map((j, pos) => ({ j, pos })).filter((x) => type[x.j] === t),
  );
  const nUpper = byType.filter((x) => type[x.j] === UPPER).length;
  const nLower = byType.filter((x) => type[x.j] === LOWER).length;
  const u = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    let ss = 0;
    for (let j = 0; j < k; j++) {
      const x = zHat[j] / delta(j, i);
      u[j * k + i] = x;
      ss += x * x;
    }
    const inv = 1 / Math.sqrt(ss);
    for (let j = 0; j < k; j++) u[j * k + i] *= inv;
  }
  const up = new Float64Array(k * k);
  const qp = new Float64Array(s * k);
  byType.forEach(({ j, pos }, c) => {
    up.set(u.subarray(pos * k, pos * k + k), c * k);
    const cj = col(j);
    for (let r = 0; r < s; r++) qp[r * k + c] = z[(lo + r) * n + cj];
  });
  const deflated: number[] = [];
  const isKept = new Uint8Array(s);
  for (const j of kept) isKept[j] = 1;
  for (let j = 0; j < s; j++) if (!isKept[j]) deflated.push(j);
  const dq = new Float64Array(s * deflated.length);
  deflated.forEach((j, c) => {
    const cj = col(j);
    for (let r = 0; r < s; r++) dq[r * deflated.length + c] = z[(lo + r) * n + cj];
  });
  // Upper rows meet only upper-only and dense columns; lower rows only dense and lower-only ones.
  const nUD = k - nLower;
  kernels.gemm(n1, k, nUD, 1, view(qp, 0, k), view(up, 0, k), 0, view(z, lo * n + lo, n));
  kernels.gemm(
    s - n1,
    k,
    k - nUpper,
    1,
    view(qp, n1 * k + nUpper, k),
    view(up, nUpper * k, k),
    0,
    view(z, m * n + lo, n),
  );
  for (let i = 0; i < k; i++) d[lo + i] = dk[origin[i]] + tau[i];
  const nd = deflated.length;
  deflated.forEach((j, c) => {
    d[lo + k + c] = dv[j];
    for (let r = 0; r < s; r++) z[(lo + r) * n + lo + k + c] = dq[r * nd + c];
  });
}

/**
 * Root i (ascending) of the secular equation 1/ρ + Σ z_j² / (d_j − λ) = 0 with ascending poles d and ρ > 0,
 * as λ = d[origin] + τ with origin the nearer pole, by steps to the root of a two-pole rational model (rationalStep)
 * kept inside a shrinking bracket.
 */
function secularRoot(
  i: number,
  d: Float64Array,
  z: Float64Array,
  k: number,
  rho: number,
  origin: Int32Array,
  tau: Float64Array,
): void {
  // ψ gathers the poles at or below d[i], φ those above; each value comes with its derivative in t.
  const parts = (org: number, t: number) => {
    let psi = 0;
    let dpsi = 0;
    let phi = 0;
    let dphi = 0;
    for (let j = 0; j <= i; j++) {
      const q = 1 / (d[j] - d[org] - t);
      const zq = z[j] * q;
      psi += z[j] * zq;
      dpsi += zq * zq;
    }
    for (let j = i + 1; j < k; j++) {
      const q = 1 / (d[j] - d[org] - t);
      const zq = z[j] * q;
      phi += z[j] * zq;
      dphi += zq * zq;
    }
    return [psi, dpsi, phi, dphi];
  };
  let org: number;
  let lo: number;
  let hi: number;
  if (i < k - 1) {
    const gap = d[i + 1] - d[i];
    const mid = gap / 2;
    const [psi, , phi] = parts(i, mid);
    if (1 / rho + psi + phi >= 0) {
      org = i;
      lo = 0;
      hi = mid;
    } else {
      org = i + 1;
      lo = -mid;
      hi = 0;
    }
  } else {
    let zz = 0;
    for (let j = 0; j < k; j++) zz += z[j] * z[j];
    org = k - 1;
    lo = 0;
    hi = rho * zz;
  }
  let t = (lo + hi) / 2;
  for (let it = 0; it < 400; it++) {
    const [psi, dpsi, phi, dphi] = parts(org, t);
    const v = 1 / rho + psi + phi;
    if (v === 0) break;
    if (v < 0) lo = t;
    else hi = t;
    let next =
      t + rationalStep(d[i] - d[org] - t, i < k - 1 ? d[i + 1] - d[org] - t : Infinity, psi, dpsi, phi, dphi, rho);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    const step = Math.abs(next - t);
    t = next;
    if (step <= 2 * EPS * Math.abs(t) || hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
  }
  origin[i] = org;
  tau[i] = t;
}

/**
 * The step η to the root of the two-pole model of the secular function (Bunch–Nielsen–Sorensen, as in LAPACK's
 * dlaed4): ψ ≈ P + Q/(δl − η) and φ ≈ R + S/(δu − η), each matching its part's value and slope, where δl < 0 < δu
 * are the distances to the poles either side. The model is increasing on (δl, δu) with one root there, so this
 * converges quadratically where plain Newton overshoots next to a pole. NaN when the model degenerates.
 */
function rationalStep(
  dl: number,
  du: number,
  psi: number,
  dpsi: number,
  phi: number,
  dphi: number,
  rho: number,
): number {
  const q = dl * dl * dpsi;
  const c0 = 1 / rho + (psi - dl * dpsi);
  if (du === Infinity) return c0 > 0 ? dl + q / c0 : NaN;
  const s = du * du * dphi;
  const c = c0 + (phi - du * dphi);
  // c(δl − η)(δu − η) + Q(δu − η) + S(δl − η) = 0, i.e. aη² + bη + e = 0.
  const b = -(c * (dl + du) + q + s);
  const e = c * dl * du + q * du + s * dl;
  if (c === 0) return -e / b;
  const disc = b * b - 4 * c * e;
  if (!(disc >= 0)) return NaN;
  const w = -0.5 * (b + (b >= 0 ? Math.sqrt(disc) : -Math.sqrt(disc)));
  const r1 = w / c;
  const r2 = e / w;
  return r1 > dl && r1 < du ? r1 : r2;
}

/**
 * Implicit-shift QL on the tridiagonal (d, e), e[i] coupling i and i+1, with eigenvectors held as the ROWS of
 * `z`: a plane rotation of columns i, i+1 of Q·W is then a rotation of two contiguous rows. On return d holds
 * the eigenvalues (unsorted) and row i of z the unit eigenvector for d[i].
 */
function tridiagonalQL(d: Float64Array, e: Float64Array, z: Float64Array, n: number, maxIterations: number): void {
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      // The unreduced block starting at l ends at the first negligible coupling.
      let m = l;
      while (m < n - 1 && Math.abs(e[m]) > Math.max(EPS * (Math.abs(d[m]) + Math.abs(d[m + 1])), TINY)) m++;
      if (m === l) break;
      if (++iterations > maxIterations) {
        throw new Error(
          `symmetricEigen: QL did not converge for eigenvalue ${l} of ${n} within ${maxIterations} iterations`,
        );
      }
      // Wilkinson shift σ: the eigenvalue of the top 2×2 block nearer d[l], written as σ = d_l − e_l / (t ± √(t²+1))
      // so no difference of near-equal numbers is formed. g starts as d_m − σ, the first rotation's pivot.
      const t = (d[l + 1] - d[l]) / (2 * e[l]);
      const root = Math.hypot(t, 1);
      let g = d[m] - d[l] + e[l] / (t + (t >= 0 ? root : -root));
      let s = 1;
      let c = 1;
      let p = 0; // how far the rotations so far have moved the diagonal below the current row
      let i = m - 1;
      // Chase the bulge from the bottom of the block up to l, one rotation in the (i, i+1) plane per row.
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        const r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) break; // the bulge underflowed: the block has split at i+1
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        const q = (d[i] - g) * s + 2 * c * b;
        p = s * q;
        d[i + 1] = g + p;
        g = c * q - b;
        const io = i * n;
        const jo = io + n;
        for (let k = 0; k < n; k++) {
          const zi = z[io + k];
          const zj = z[jo + k];
          z[jo + k] = s * zi + c * zj;
          z[io + k] = c * zi - s * zj;
        }
      }
      if (i >= l) {
        d[i + 1] -= p;
        e[m] = 0;
        continue;
      }
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/** Descending eigenvalues, and z's columns in that order with each one's largest-magnitude component positive. */
function sortedColumns(d: Float64Array, z: Float64Array, n: number, out: Float64Array): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x] || x - y);
  const values = Float64Array.from(order, (i) => d[i]);
  order.forEach((src, dst) => {
    // A fixed sign per vector keeps directions deterministic across runs and solvers.
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(z[i * n + src]) > Math.abs(big)) big = z[i * n + src];
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) out[i * n + dst] = sign * z[i * n + src];
  });
  return { values, vectors: out };
}
