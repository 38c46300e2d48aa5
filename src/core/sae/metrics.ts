// Reconstruction metrics as sums that add across minibatches (f64), then finalised with ANCHORS.md's
// definitions: MSE summed over d and averaged over rows; FVU about the mean (not about zero); L0, L1;
// mean cosine(x, x̂); relative reconstruction bias γ = Σ‖x̂‖² / Σ x̂·x (γ < 1: the SAE shrinks its outputs).

export interface MetricSums {
  rows: number;
  /** Σ_b ‖x_b − x̂_b‖² */
  sqErr: number;
  /** Σ_b ‖x_b‖² and Σ_b x_b (per dimension): Σ‖x − x̄‖² = Σ‖x‖² − N‖x̄‖², exact in f64 for the sizes we see. */
  sqX: number;
  sumX: Float64Array;
  /** Σ_b x̂_b·x_b and Σ_b ‖x̂_b‖² */
  dotXHatX: number;
  sqXHat: number;
  /** Σ_b cos(x_b, x̂_b), rows where either is zero counted in zeroRows instead. */
  sumCos: number;
  cosRows: number;
  /** Σ_b #{i: f_bi > 0} and Σ_b Σ_i |f_bi| */
  l0: number;
  l1: number;
  /** Rows each latent fired on (f > 0). */
  fires: Float64Array;
}

export interface ReconstructionMetrics {
  rows: number;
  mse: number | null;
  fvu: number | null;
  explainedVariance: number | null;
  l0: number | null;
  l1: number | null;
  cosine: number | null;
  relativeBias: number | null;
}

export function emptySums(d: number, m: number): MetricSums {
  return {
    rows: 0,
    sqErr: 0,
    sqX: 0,
    sumX: new Float64Array(d),
    dotXHatX: 0,
    sqXHat: 0,
    sumCos: 0,
    cosRows: 0,
    l0: 0,
    l1: 0,
    fires: new Float64Array(m),
  };
}

/** a += b, in place; returns a. */
export function addSums(a: MetricSums, b: MetricSums): MetricSums {
  a.rows += b.rows;
  a.sqErr += b.sqErr;
  a.sqX += b.sqX;
  a.dotXHatX += b.dotXHatX;
  a.sqXHat += b.sqXHat;
  a.sumCos += b.sumCos;
  a.cosRows += b.cosRows;
  a.l0 += b.l0;
  a.l1 += b.l1;
  for (let j = 0; j < a.sumX.length; j++) a.sumX[j] += b.sumX[j];
  for (let i = 0; i < a.fires.length; i++) a.fires[i] += b.fires[i];
  return a;
}

/** Sums of one batch from host arrays: x, x̂ [B, d], codes f [B, m]. */
export function batchSums(
  x: ArrayLike<number>,
  xHat: ArrayLike<number>,
  f: ArrayLike<number>,
  B: number,
  d: number,
  m: number,
): MetricSums {
  const s = emptySums(d, m);
  s.rows = B;
  for (let b = 0; b < B; b++) {
    let nx = 0,
      nh = 0,
      dot = 0;
    for (let j = 0; j < d; j++) {
      const xv = x[b * d + j],
        hv = xHat[b * d + j];
      s.sqErr += (xv - hv) ** 2;
      nx += xv * xv;
      nh += hv * hv;
      dot += xv * hv;
      s.sumX[j] += xv;
    }
    s.sqX += nx;
    s.sqXHat += nh;
    s.dotXHatX += dot;
    if (nx > 0 && nh > 0) {
      s.sumCos += dot / Math.sqrt(nx * nh);
      s.cosRows += 1;
    }
    for (let i = 0; i < m; i++) {
      const v = f[b * m + i];
      if (v > 0) {
        s.l0 += 1;
        s.fires[i] += 1;
      }
      s.l1 += Math.abs(v);
    }
  }
  return s;
}

/**
 * A batch's sums from per-row device sums rowStats [rows, 4] = (‖x‖², x·x̂, ‖x̂‖², ‖x − x̂‖²), each f32 over d only,
 * the latents' fire counts and the codes' total L1. ‖x‖² and Σx are taken from the host rows x [rows, d] in f64
 * instead: FVU's Σ‖x − x̄‖² = Σ‖x‖² − N‖x̄‖² cancels, and with a large mean offset the f32 rounding of Σ‖x‖²
 * alone can exceed the variance. Every other sum adds f32 rows in f64.
 */
export function sumsFromRows(
  x: ArrayLike<number>,
  rows: number,
  d: number,
  rowStats: ArrayLike<number>,
  fires: ArrayLike<number>,
  l1: number,
): MetricSums {
  const s = emptySums(d, fires.length);
  s.rows = rows;
  for (let r = 0; r < rows; r++) {
    let nx = 0;
    for (let j = 0; j < d; j++) {
      const v = x[r * d + j];
      nx += v * v;
      s.sumX[j] += v;
    }
    const xh = rowStats[4 * r + 1],
      hh = rowStats[4 * r + 2];
    s.sqX += nx;
    s.dotXHatX += xh;
    s.sqXHat += hh;
    s.sqErr += rowStats[4 * r + 3];
    if (nx > 0 && hh > 0) {
      s.sumCos += xh / Math.sqrt(nx * hh);
      s.cosRows += 1;
    }
  }
  for (let i = 0; i < fires.length; i++) {
    s.fires[i] = fires[i];
    s.l0 += fires[i];
  }
  s.l1 = l1;
  return s;
}

export function finalizeSums(s: MetricSums): ReconstructionMetrics {
  const N = s.rows;
  if (N === 0)
    return {
      rows: 0,
      mse: null,
      fvu: null,
      explainedVariance: null,
      l0: null,
      l1: null,
      cosine: null,
      relativeBias: null,
    };
  let meanSq = 0;
  for (let j = 0; j < s.sumX.length; j++) meanSq += (s.sumX[j] / N) ** 2;
  const variance = s.sqX - N * meanSq;
  // FVU is undefined (not 0, not ∞) when every row is identical.
  const fvu = variance > 1e-12 * Math.max(1, s.sqX) ? s.sqErr / variance : null;
  return {
    rows: N,
    mse: s.sqErr / N,
    fvu,
    explainedVariance: fvu === null ? null : 1 - fvu,
    l0: s.l0 / N,
    l1: s.l1 / N,
    cosine: s.cosRows > 0 ? s.sumCos / s.cosRows : null,
    relativeBias: s.dotXHatX !== 0 ? s.sqXHat / s.dotXHatX : null,
  };
}
