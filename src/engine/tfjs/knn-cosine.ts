// Engine.knnCosine with tfjs ops. Per [query block × trusted block] tile: one matMul of the unit query rows with
// the raw trusted rows, scaled by the trusted rows' inverse norms, gives the cosines; tf.topk keeps each query's k
// largest, merged into a running top-k across trusted blocks. Nothing larger than a tile or a block of rows is
// ever allocated, and each query block ends in one readback, which also keeps the queued GPU work bounded.

import * as tf from '@tensorflow/tfjs';
import type { KnnCosineOptions } from '../../core/engine/engine';
import { checkKnnOptions } from '../../core/detect/knn-cosine';

/** 1/‖x_i‖ per row, 0 for a zero row (so its cosine to anything is 0, as in the host reference). */
function inverseNorms(x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const s = x.square().sum(1) as tf.Tensor1D;
    return tf.where(s.greater(0), s.rsqrt(), tf.zerosLike(s));
  });
}

/** inverseNorms over all rows, a block at a time so the squared copy never exceeds one block. */
function blockedInverseNorms(x: tf.Tensor2D, blockRows: number): tf.Tensor1D {
  const [rows, cols] = x.shape;
  return tf.tidy(() => {
    const parts: tf.Tensor1D[] = [];
    for (let r = 0; r < rows; r += blockRows)
      parts.push(inverseNorms(x.slice([r, 0], [Math.min(blockRows, rows - r), cols])));
    return tf.concat(parts);
  });
}

export async function tfjsKnnCosine(
  trusted: tf.Tensor2D,
  query: tf.Tensor2D,
  k: number,
  options: KnnCosineOptions = {},
): Promise<Float32Array> {
  const blocks = checkKnnOptions(
    { rows: trusted.shape[0], cols: trusted.shape[1] },
    { rows: query.shape[0], cols: query.shape[1] },
    k,
    options,
  );
  const [m, d] = trusted.shape;
  const n = query.shape[0];
  const out = new Float32Array(n);
  const self = options.excludeSelf;
  const ids = self && { trusted: tf.tensor1d(self.trustedIds, 'int32'), query: tf.tensor1d(self.queryIds, 'int32') };
  const trustedInv = blockedInverseNorms(trusted, blocks.trusted);
  try {
    for (let q0 = 0; q0 < n; q0 += blocks.query) {
      const qb = Math.min(blocks.query, n - q0);
      // Synchronous up to the readback, so one tidy frees everything; the nested tidy frees each tile as it goes.
      const scores = tf.tidy(() => {
        const x = query.slice([q0, 0], [qb, d]);
        const unitQuery = x.mul(inverseNorms(x).expandDims(1)) as tf.Tensor2D;
        const queryIds = ids?.query.slice(q0, qb).expandDims(1);
        // The k largest cosines so far per query (fewer while fewer than k trusted rows have been seen).
        let best: tf.Tensor2D | undefined;
        for (let t0 = 0; t0 < m; t0 += blocks.trusted) {
          const tb = Math.min(blocks.trusted, m - t0);
          const next = tf.tidy(() => {
            let cos = unitQuery
              .matMul(trusted.slice([t0, 0], [tb, d]), false, true)
              .mul(trustedInv.slice(t0, tb).expandDims(0)) as tf.Tensor2D;
            // −∞ rather than a finite floor: were an excluded entry ever kept, the score would be ∞, not plausible.
            if (ids) cos = tf.where(tf.equal(queryIds!, ids.trusted.slice(t0, tb).expandDims(0)), -Infinity, cos);
            const top = tf.topk(cos, Math.min(k, tb), false).values;
            if (!best) return top;
            const merged = tf.concat([best, top], 1);
            return tf.topk(merged, Math.min(k, merged.shape[1]), false).values;
          });
          best?.dispose();
          best = next;
        }
        return tf.sub(1, best!).mean(1);
      });
      try {
        out.set((await scores.data()) as Float32Array, q0);
      } finally {
        scores.dispose();
      }
    }
  } finally {
    trustedInv.dispose();
    ids?.trusted.dispose();
    ids?.query.dispose();
  }
  return out;
}
