// kNN detector scores through the engine. The trusted rows go up once and serve both calls: the query rows'
// scores, and each trusted row's score against the other trusted rows, the reference distribution
// combine-layers standardises by.

import type { Engine } from '../engine/engine';
import { gatherRows } from './engine-stats';

export interface KnnDetectorScores {
  query: Float64Array;
  trusted: Float64Array;
}

export async function knnDetectorScores(
  engine: Engine,
  x: Float32Array,
  d: number,
  trustedRows: Int32Array,
  queryRows: Int32Array,
  k: number,
): Promise<KnnDetectorScores> {
  const trusted = engine.uploadMatrix(gatherRows(x, d, trustedRows), trustedRows.length, d);
  const query = engine.uploadMatrix(gatherRows(x, d, queryRows), queryRows.length, d);
  try {
    const queryScores = await engine.knnCosine(trusted, query, k);
    const trustedScores = await engine.knnCosine(trusted, trusted, k, {
      excludeSelf: { trustedIds: trustedRows, queryIds: trustedRows },
    });
    return { query: Float64Array.from(queryScores), trusted: Float64Array.from(trustedScores) };
  } finally {
    trusted.dispose();
    query.dispose();
  }
}
