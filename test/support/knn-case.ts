// A seeded kNN case shared by the CPU and WebGPU (.dawn) tests of Engine.knnCosine, and the call
// that runs it on an engine, so both compare the same arithmetic with the host f64 reference.
import type { Engine, KnnCosineOptions } from '../../src/core/engine/engine';
import { gatherRows } from '../../src/core/detect/engine-stats';
import { createRng, normal } from '../../src/core/math/rng';

export interface KnnCase {
  x: Float32Array;
  d: number;
  /** Rows i % 3 ≠ 0 (row 4 is all zeros). */
  trusted: Int32Array;
  /** Rows i % 3 = 0 (row 9 is all zeros). */
  query: Int32Array;
  /** Rows ≡ 0 or 4 (mod 6): half of them trusted, for excludeSelf between different row sets. */
  mixed: Int32Array;
}

export const ZERO_QUERY_POSITION = 3; // row 9 in `query`

export function knnCase(rows: number, d: number, seed: number): KnnCase {
  const random = createRng(seed);
  const x = new Float32Array(rows * d);
  for (let r = 0; r < rows; r++) {
    // Row scales from 0.1 to 10: cosines must not depend on them.
    const scale = 0.1 * 100 ** random();
    for (let j = 0; j < d; j++) x[r * d + j] = scale * (normal(random) + (j === r % d ? 1.5 : 0));
  }
  x.fill(0, 4 * d, 5 * d);
  x.fill(0, 9 * d, 10 * d);
  const pick = (keep: (i: number) => boolean) => Int32Array.from({ length: rows }, (_, i) => i).filter(keep);
  return {
    x,
    d,
    trusted: pick((i) => i % 3 !== 0),
    query: pick((i) => i % 3 === 0),
    mixed: pick((i) => i % 2 === 0 && i % 3 !== 2),
  };
}

/**
 * Engine.knnCosine of `queryRows` against `trustedRows`; when they are the same array the trusted matrix is
 * passed as both sides, as the detector job does. excludeSelf uses the row indices as ids.
 */
export async function engineKnn(
  engine: Engine,
  c: KnnCase,
  trustedRows: Int32Array,
  queryRows: Int32Array,
  k: number,
  options: { excludeSelf?: boolean; blockRows?: KnnCosineOptions['blockRows'] } = {},
): Promise<Float32Array> {
  const trusted = engine.uploadMatrix(gatherRows(c.x, c.d, trustedRows), trustedRows.length, c.d);
  const same = queryRows === trustedRows;
  const query = same ? trusted : engine.uploadMatrix(gatherRows(c.x, c.d, queryRows), queryRows.length, c.d);
  try {
    return await engine.knnCosine(trusted, query, k, {
      blockRows: options.blockRows,
      excludeSelf: options.excludeSelf ? { trustedIds: trustedRows, queryIds: queryRows } : undefined,
    });
  } finally {
    trusted.dispose();
    if (!same) query.dispose();
  }
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
