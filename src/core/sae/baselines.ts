// Sanity-baseline data transforms: the same marginals without the joint structure, so any "features" an SAE
// finds there are false positives to compare against the user's data.

/** Permutes each column independently (seeded): keeps every per-dimension distribution, destroys co-occurrence. */
export function shuffleColumns(x: Float32Array, rows: number, cols: number, random: () => number): Float32Array {
  const out = new Float32Array(rows * cols);
  const perm = new Int32Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let r = 0; r < rows; r++) perm[r] = r;
    for (let r = rows - 1; r > 0; r--) {
      const s = Math.floor(random() * (r + 1));
      const t = perm[r];
      perm[r] = perm[s];
      perm[s] = t;
    }
    for (let r = 0; r < rows; r++) out[r * cols + j] = x[perm[r] * cols + j];
  }
  return out;
}

/** Latents firing on more than `minDensity` of rows: the "frequent features" count the baseline table compares. */
export function frequentLatents(fires: ArrayLike<number>, rows: number, minDensity = 0.01): number {
  let n = 0;
  for (let i = 0; i < fires.length; i++) if (fires[i] / rows > minDensity) n++;
  return n;
}

/** Latents that fired at least once. */
export function liveLatents(fires: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < fires.length; i++) if (fires[i] > 0) n++;
  return n;
}
