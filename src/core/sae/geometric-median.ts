// Geometric median of rows by Weiszfeld's iteration (f64): the b_dec init OpenAI and dictionary_learning's TopK
// use, robust to the heavy-tailed rows real activations have.

export function geometricMedian(
  x: Float32Array,
  d: number,
  rows: ArrayLike<number>,
  maxIter = 100,
  tol = 1e-7,
): Float64Array {
  const y = new Float64Array(d);
  for (let n = 0; n < rows.length; n++) for (let j = 0; j < d; j++) y[j] += x[rows[n] * d + j] / rows.length;
  const next = new Float64Array(d);
  for (let it = 0; it < maxIter; it++) {
    next.fill(0);
    let wsum = 0;
    for (let n = 0; n < rows.length; n++) {
      let dist = 0;
      for (let j = 0; j < d; j++) dist += (x[rows[n] * d + j] - y[j]) ** 2;
      // A row sitting on the estimate would get infinite weight; 1e-12 keeps it finite (the usual fix).
      const w = 1 / Math.max(Math.sqrt(dist), 1e-12);
      wsum += w;
      for (let j = 0; j < d; j++) next[j] += w * x[rows[n] * d + j];
    }
    let moved = 0,
      scale = 0;
    for (let j = 0; j < d; j++) {
      next[j] /= wsum;
      moved += (next[j] - y[j]) ** 2;
      scale += y[j] ** 2;
    }
    y.set(next);
    if (Math.sqrt(moved) <= tol * Math.max(1, Math.sqrt(scale))) break;
  }
  return y;
}

export function rowMean(x: Float32Array, d: number, rows: ArrayLike<number>): Float64Array {
  const y = new Float64Array(d);
  for (let n = 0; n < rows.length; n++) for (let j = 0; j < d; j++) y[j] += x[rows[n] * d + j];
  for (let j = 0; j < d; j++) y[j] /= Math.max(1, rows.length);
  return y;
}
