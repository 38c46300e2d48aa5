// kNN detector: score = mean cosine distance (1 − cos) from a row to its k nearest trusted rows. This is the host
// f64 reference, one query row at a time against unit-normalised trusted rows: O(N·M·d) in JS, which is minutes
// at N, M ≈ 10⁴ and d ≈ 10³. On WebGPU, Engine.knnCosine runs a tiled matmul plus a running top-k on the device;
// tests hold that against this function, which is also the CPU engine's knnCosine (it beats tfjs-cpu there).

/** Rows scaled to unit norm (a zero row stays zero: its cosine to anything is taken as 0). */
export function unitRows(x: Float32Array, d: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += x[o + j] * x[o + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) out[r * d + j] = x[o + j] * inv;
  }
  return out;
}

export interface KnnOptions {
  k: number;
  /**
   * When scoring the trusted rows themselves, skip each row's own entry: `true` compares the row indices given
   * for trusted and query, ids compare those (Engine.knnCosine's form); otherwise every trusted row would be at
   * distance 0 from itself.
   */
  excludeSelf?: boolean | { trustedIds: ArrayLike<number>; queryIds: ArrayLike<number> };
}

/** Throws unless 1 ≤ k ≤ the trusted rows a query can reach (one fewer when its own entry is excluded). */
export function checkKnnK(k: number, trustedRows: number, excludeSelf: boolean): void {
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`invalid k: ${k} (a positive integer)`);
  const reachable = trustedRows - (excludeSelf ? 1 : 0);
  if (k > reachable) {
    throw new Error(
      excludeSelf
        ? `k = ${k} exceeds the ${reachable} trusted rows left once a row's own entry is excluded (${trustedRows} trusted rows)`
        : `k = ${k} exceeds the ${trustedRows} trusted rows`,
    );
  }
}

/**
 * A 1024 × 4096 f32 cosine tile is 16 MB. Its few same-shape temporaries are freed tile by tile; with the
 * 4096-row slice of the trusted rows (64 MB at d = 4096) the peak stays under ~200 MB however many rows there
 * are. Each tile is still a ~34 GFLOP matmul at d = 4096, large enough to keep a GPU busy.
 */
export const KNN_BLOCK_ROWS = { query: 1024, trusted: 4096 };

/** Engine.knnCosine's argument checks (both engines): widths, k, the exclusion ids, block sizes. Returns the blocks. */
export function checkKnnOptions(
  trusted: { rows: number; cols: number },
  query: { rows: number; cols: number },
  k: number,
  options: {
    excludeSelf?: { trustedIds: Int32Array; queryIds: Int32Array };
    blockRows?: { query: number; trusted: number };
  },
): { query: number; trusted: number } {
  if (trusted.cols !== query.cols)
    throw new Error(`kNN needs trusted and query rows of one width; got ${trusted.cols} and ${query.cols} columns`);
  const self = options.excludeSelf;
  checkKnnK(k, trusted.rows, self !== undefined);
  if (self) {
    if (self.trustedIds.length !== trusted.rows || self.queryIds.length !== query.rows) {
      throw new Error(
        `excludeSelf ids: ${self.trustedIds.length} trusted and ${self.queryIds.length} query ids for ${trusted.rows} and ${query.rows} rows`,
      );
    }
    // Repeated trusted ids would exclude several rows from one query, past what the k check allowed.
    if (new Set(self.trustedIds).size !== self.trustedIds.length)
      throw new Error('excludeSelf trusted ids repeat; they must be distinct row ids');
  }
  const blocks = options.blockRows ?? KNN_BLOCK_ROWS;
  if (![blocks.query, blocks.trusted].every((b) => Number.isInteger(b) && b >= 1)) {
    throw new Error(`kNN block rows must be positive integers; got query ${blocks.query}, trusted ${blocks.trusted}`);
  }
  return blocks;
}

export function knnCosineScores(
  x: Float32Array,
  d: number,
  trustedRows: ArrayLike<number>,
  queryRows: ArrayLike<number>,
  options: KnnOptions,
  queryX: Float32Array = x,
): Float64Array {
  const k = options.k;
  const m = trustedRows.length;
  const self =
    options.excludeSelf === true ? { trustedIds: trustedRows, queryIds: queryRows } : options.excludeSelf || null;
  checkKnnK(k, m, self !== null);
  const trusted = unitRows(x, d, trustedRows);
  const query = unitRows(queryX, d, queryRows);
  const out = new Float64Array(queryRows.length);
  const best = new Float64Array(k); // the k largest cosines so far, ascending (best[0] is the smallest)
  for (let q = 0; q < queryRows.length; q++) {
    best.fill(-Infinity);
    const qo = q * d;
    for (let t = 0; t < m; t++) {
      if (self && self.trustedIds[t] === self.queryIds[q]) continue;
      let dot = 0;
      const to = t * d;
      for (let j = 0; j < d; j++) dot += trusted[to + j] * query[qo + j];
      if (dot <= best[0]) continue;
      // Insertion into the small sorted buffer: k is small (≤ ~50), so this beats a heap.
      let i = 0;
      while (i + 1 < k && best[i + 1] < dot) {
        best[i] = best[i + 1];
        i++;
      }
      best[i] = dot;
    }
    let sum = 0;
    for (let i = 0; i < k; i++) sum += 1 - best[i];
    out[q] = sum / k;
  }
  return out;
}
