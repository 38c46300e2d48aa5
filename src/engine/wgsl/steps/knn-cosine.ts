// Engine.knnCosine on WGSL: per [query block × trusted block] tile, one matmul Q·Tᵀ gives the dot products, a
// pass scales them to cosines (inverse row norms; a zero row's cosine is 0) and lays them beside the query's k
// best so far, and the radix top-k (topk.ts) keeps the k largest. Cosines are stored as c + 2 so every key is a
// positive float (radix select orders positive floats by their bits); excluded pairs get 0, below any cosine,
// and "nothing yet" is 0.5. Each query block ends in one readback of its mean distances 1 − c = 3 − key.
import { checkKnnOptions } from '../../../core/detect/knn-cosine';
import type { KnnCosineOptions } from '../../../core/engine/engine';
import { dispatch, pipelineFor, readF32, storageBuffer, uploadBuffer, view, type Enc } from '../gpu/buffers';
import { momentBlocks } from './centred-moments';
import type { WgslMatrix } from './linear-objective';
import { encodeMatmul } from '../kernels/matmul';
import { encodeRowNorm } from '../kernels/rownorm';
import { flatGrid, flatIndex } from '../gpu/grid';
import { encodeTopK } from '../kernels/topk';

const THREADS = 256;
const EMPTY = 0.5;

function candidatesWGSL(qb: number, tb: number, k: number, exclude: boolean, gridX: number): string {
  const W = k + tb;
  return /* wgsl */ `// knn candidates qb=${qb} tb=${tb} k=${k} exclude=${exclude}
@group(0) @binding(0) var<storage, read> dots: array<f32>;
@group(0) @binding(1) var<storage, read> best: array<f32>;
@group(0) @binding(2) var<storage, read_write> cand: array<f32>;
@group(0) @binding(3) var<storage, read> qNorm: array<f32>;
@group(0) @binding(4) var<storage, read> tNorm: array<f32>;
${exclude ? '@group(0) @binding(5) var<storage, read> qIds: array<i32>;\n@group(0) @binding(6) var<storage, read> tIds: array<i32>;' : ''}
fn inv(n: f32) -> f32 { return select(0.0, 1.0 / n, n > 0.0); }
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = ${flatIndex(gridX, THREADS)};
  if (i >= ${qb * W}u) { return; }
  let r = i / ${W}u;
  let c = i % ${W}u;
  if (c < ${k}u) { cand[i] = best[r * ${k}u + c]; return; }
  let j = c - ${k}u;
  ${exclude ? 'if (qIds[r] == tIds[j]) { cand[i] = 0.0; return; }' : ''}
  cand[i] = dots[r * ${tb}u + j] * inv(qNorm[r]) * inv(tNorm[j]) + 2.0;
}`;
}

function meanDistanceWGSL(qb: number, k: number, gridX: number): string {
  return /* wgsl */ `// knn mean distance qb=${qb} k=${k}
@group(0) @binding(0) var<storage, read> best: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = ${flatIndex(gridX, THREADS)};
  if (r >= ${qb}u) { return; }
  var s = 0.0;
  for (var j = 0u; j < ${k}u; j++) { s += 3.0 - best[r * ${k}u + j]; }
  out[r] = s / f32(${k}u);
}`;
}

/** Per query row, the mean cosine distance to its k nearest trusted rows (Engine.knnCosine), f32. */
export async function wgslKnnCosine(
  device: GPUDevice,
  trusted: WgslMatrix,
  query: WgslMatrix,
  k: number,
  options: KnnCosineOptions = {},
): Promise<Float32Array> {
  const requested = checkKnnOptions(trusted, query, k, options);
  // Tiles start on 64-row boundaries inside their chunks, so every tile is a 256-byte-aligned binding.
  const up = (n: number) => Math.ceil(n / 64) * 64;
  const qBlocks = momentBlocks(query.chunks, up(requested.query));
  const tBlocks = momentBlocks(trusted.chunks, up(requested.trusted));
  const d = query.cols,
    self = options.excludeSelf;
  const maxQ = Math.max(1, ...qBlocks.map((b) => b[2])),
    maxT = Math.max(1, ...tBlocks.map((b) => b[2]));
  const idsOf = (m: WgslMatrix, ids: Int32Array) =>
    m.chunks.map((c) => uploadBuffer(device, ids.subarray(c.firstRow, c.firstRow + c.rows), 'knn ids'));
  const qIds = self ? idsOf(query, self.queryIds) : [],
    tIds = self ? idsOf(trusted, self.trustedIds) : [];
  const tNorms = tBlocks.map(([, , n]) => storageBuffer(device, n, 'knn trusted norms'));
  const qNorm = storageBuffer(device, maxQ, 'knn query norms');
  const dots = storageBuffer(device, maxQ * maxT, 'knn dots');
  const cand = storageBuffer(device, maxQ * (k + maxT), 'knn candidates');
  const best = storageBuffer(device, maxQ * k, 'knn best');
  const idx = storageBuffer(device, maxQ * k, 'knn top-k indices');
  const out = storageBuffer(device, maxQ, 'knn scores');
  const owned = [...qIds, ...tIds, ...tNorms, qNorm, dots, cand, best, idx, out];
  const scores = new Float32Array(query.rows);
  try {
    const first: Enc = { device, enc: device.createCommandEncoder() };
    tBlocks.forEach(([ci, r0, n], b) =>
      encodeRowNorm(first, view(trusted.chunks[ci].buffer, r0 * d, n * d), n, d, tNorms[b], false, 'knn norms'),
    );
    device.queue.submit([first.enc.finish()]);
    for (const [qc, q0, qb] of qBlocks) {
      device.queue.writeBuffer(best, 0, new Float32Array(qb * k).fill(EMPTY));
      const ctx: Enc = { device, enc: device.createCommandEncoder() };
      const qView = view(query.chunks[qc].buffer, q0 * d, qb * d);
      encodeRowNorm(ctx, qView, qb, d, qNorm, false, 'knn norms');
      tBlocks.forEach(([tc, t0, tb], b) => {
        encodeMatmul(
          ctx,
          { M: qb, N: tb, K: d, transA: false, transB: true },
          qView,
          view(trusted.chunks[tc].buffer, t0 * d, tb * d),
          dots,
          [],
          'knn Q·Tᵀ',
        );
        const grid = flatGrid(qb * (k + tb), THREADS, device.limits.maxComputeWorkgroupsPerDimension);
        const ids = self ? [view(qIds[qc], q0, qb), view(tIds[tc], t0, tb)] : [];
        dispatch(
          ctx,
          pipelineFor(device, candidatesWGSL(qb, tb, k, !!self, grid[0]), 'knn candidates'),
          [dots, best, cand, qNorm, tNorms[b], ...ids],
          grid,
          'knn candidates',
        );
        encodeTopK(ctx, cand, qb, k + tb, k, idx, best, 'knn top-k');
      });
      const grid = flatGrid(qb, THREADS, device.limits.maxComputeWorkgroupsPerDimension);
      dispatch(
        ctx,
        pipelineFor(device, meanDistanceWGSL(qb, k, grid[0]), 'knn mean distance'),
        [best, out],
        grid,
        'knn mean distance',
      );
      device.queue.submit([ctx.enc.finish()]);
      scores.set(await readF32(device, out, qb), query.chunks[qc].firstRow + q0);
    }
  } finally {
    for (const b of owned) b.destroy();
  }
  return scores;
}
