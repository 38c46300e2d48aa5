// kNN detector scores through the engine (a tiled matmul plus top-k on the GPU when it is WebGPU). The trusted
// rows go up once and serve both calls: the query rows' scores, and each trusted row's score against the other
// trusted rows, the reference distribution combine-layers standardises by. On the CPU backend the host f64
// reference is used instead, as in engine-stats.ts: tfjs-cpu's f32 matmul and top-k measured 2–5× slower than
// it (3000 trusted × 1000 query rows at d = 30 and 256).

import type { Engine } from '../../engine/engine';
import { gatherRows } from './engine-stats';
import { knnCosineScores } from './knn-cosine';

export interface KnnDetectorScores {
  query: Float64Array;
  trusted: Float64Array;
}

export async function knnDetectorScores(
  engine: Engine, x: Float32Array, d: number, trustedRows: Int32Array, queryRows: Int32Array, k: number,
): Promise<KnnDetectorScores> {
  if (engine.info.backend === 'cpu') {
    return {
      query: knnCosineScores(x, d, trustedRows, queryRows, { k }),
      trusted: knnCosineScores(x, d, trustedRows, trustedRows, { k, excludeSelf: true }),
    };
  }
  const trusted = engine.uploadMatrix(gatherRows(x, d, trustedRows), trustedRows.length, d);
  const query = engine.uploadMatrix(gatherRows(x, d, queryRows), queryRows.length, d);
  try {
    const queryScores = await engine.knnCosine(trusted, query, k);
    const trustedScores = await engine.knnCosine(trusted, trusted, k, { excludeSelf: { trustedIds: trustedRows, queryIds: trustedRows } });
    return { query: Float64Array.from(queryScores), trusted: Float64Array.from(trustedScores) };
  } finally {
    trusted.dispose();
    query.dispose();
  }
}
