// Second moments about a host mean on the WGSL engine's chunked matrices (covariance for Mahalanobis, LEACE,
// PCA and the dataset statistics), without mirroring X into tfjs: each block of rows is centred into a scratch
// buffer, then one matmul gives its scatter (Cᵀ·C) or its quadratic form ((C·M)·C summed per row).
// f32 on the device per block of BLOCK_ROWS rows; blocks are summed in f64 on the host, so accumulation error
// does not grow with N (the tfjs engine's policy too).
import type { CentredGram } from '../../../core/engine/engine';
import { dispatch, pipelineFor, readF32, storageBuffer, uploadBuffer, view, type Enc } from '../gpu/buffers';
import { encodeSubRow } from '../kernels/elementwise';
import type { WgslMatrix } from './linear-objective';
import { encodeMatmul } from '../kernels/matmul';
import { rowGrid } from '../gpu/grid';
import { workgroupSum } from '../gpu/workgroup-sum';

/** A multiple of 64 rows, so every block starts 256-byte aligned inside its chunk whatever the width. */
export const BLOCK_ROWS = 4096;

/** Pure: [chunk index, first row within the chunk, rows] blocks covering a chunked matrix. */
export function momentBlocks(
  chunks: ReadonlyArray<{ rows: number }>,
  blockRows = BLOCK_ROWS,
): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  chunks.forEach((c, ci) => {
    for (let r = 0; r < c.rows; r += blockRows) out.push([ci, r, Math.min(blockRows, c.rows - r)]);
  });
  return out;
}

const THREADS = 256;

/** out[r] = Σ_c a[r, c]·b[r, c] for [R, C] matrices. */
function encodeRowwiseDot(ctx: Enc, a: GPUBuffer, b: GPUBuffer, out: GPUBuffer, R: number, C: number): void {
  const grid = rowGrid(R, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  const code = /* wgsl */ `// rowwise dot ${R}x${C}
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
var<workgroup> red: array<f32, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * ${grid[0]}u + wg.x;
  if (row >= ${R}u) { return; }
  var s = 0.0;
  for (var c = lid; c < ${C}u; c += ${THREADS}u) { s += a[row * ${C}u + c] * b[row * ${C}u + c]; }
  ${workgroupSum('s', THREADS)}
  if (lid == 0u) { out[row] = red[0]; }
}`;
  dispatch(ctx, pipelineFor(ctx.device, code, 'rowwise dot'), [a, b, out], grid, 'rowwise dot');
}

/**
 * Runs `body` per block of rows with the block centred in `centred` [rows, cols]. `scratch(maxRows)` makes the
 * buffers `body` needs; they and the centring buffers are freed at the end.
 */
async function forCentredBlocks<S extends GPUBuffer[]>(
  device: GPUDevice,
  x: WgslMatrix,
  mean: Float64Array,
  blockRows: number,
  scratch: (maxRows: number) => S,
  body: (ctx: Enc, centred: GPUBuffer, s: S, block: { firstRow: number; rows: number }) => Promise<void>,
): Promise<void> {
  const { cols } = x;
  if (mean.length !== cols) throw new Error(`mean has ${mean.length} values, matrix has ${cols} columns`);
  if (!(blockRows > 0 && blockRows % 64 === 0))
    throw new Error(`invalid block: ${blockRows} rows (a positive multiple of 64)`);
  const blocks = momentBlocks(x.chunks, blockRows);
  const maxRows = Math.max(1, ...blocks.map((b) => b[2]));
  const mu = uploadBuffer(device, Float32Array.from(mean), 'moments mean');
  const centred = storageBuffer(device, maxRows * cols, 'moments centred block');
  const s = scratch(maxRows);
  try {
    for (const [ci, r0, rows] of blocks) {
      const chunk = x.chunks[ci];
      const ctx: Enc = { device, enc: device.createCommandEncoder() };
      encodeSubRow(ctx, view(chunk.buffer, r0 * cols, rows * cols), mu, centred, rows, cols, 'moments centre');
      await body(ctx, centred, s, { firstRow: chunk.firstRow + r0, rows });
    }
  } finally {
    for (const b of [mu, centred, ...s]) b.destroy();
  }
}

/** scatter = Σ_k (x_k − μ)(x_k − μ)ᵀ and Σ_k ‖x_k − μ‖⁴, as the Engine's centredGram. */
export async function wgslCentredGram(
  device: GPUDevice,
  x: WgslMatrix,
  mean: Float64Array,
  blockRows = BLOCK_ROWS,
): Promise<CentredGram> {
  const { cols } = x;
  const scatter = new Float64Array(cols * cols);
  let sumNormFourth = 0;
  const scratch = (maxRows: number) => [
    storageBuffer(device, cols * cols, 'moments gram'),
    storageBuffer(device, maxRows, 'moments norms'),
  ];
  await forCentredBlocks(device, x, mean, blockRows, scratch, async (ctx, c, [gram, norms], { rows }) => {
    encodeMatmul(ctx, { M: cols, N: cols, K: rows, transA: true, transB: false }, c, c, gram, [], 'moments gram');
    encodeRowwiseDot(ctx, c, c, norms, rows, cols);
    device.queue.submit([ctx.enc.finish()]);
    const [g, n2] = await Promise.all([readF32(device, gram, cols * cols), readF32(device, norms, rows)]);
    for (let i = 0; i < cols * cols; i++) scatter[i] += g[i];
    for (const v of n2) sumNormFourth += v * v;
  });
  return { scatter, sumNormFourth };
}

/** q_k = (x_k − μ)ᵀ M (x_k − μ) for every row, as the Engine's rowQuadraticForm (f32). */
export async function wgslRowQuadraticForm(
  device: GPUDevice,
  x: WgslMatrix,
  mean: Float64Array,
  m: Float64Array,
  blockRows = BLOCK_ROWS,
): Promise<Float32Array> {
  const { rows: total, cols } = x;
  if (m.length !== cols * cols) throw new Error(`quadratic form needs M [${cols}×${cols}]; got ${m.length} values`);
  const q = new Float32Array(total);
  const scratch = (maxRows: number) => [
    uploadBuffer(device, Float32Array.from(m), 'moments M'),
    storageBuffer(device, maxRows * cols, 'moments C·M'),
    storageBuffer(device, maxRows, 'moments q'),
  ];
  await forCentredBlocks(device, x, mean, blockRows, scratch, async (ctx, c, [mBuf, cm, out], { firstRow, rows }) => {
    encodeMatmul(ctx, { M: rows, N: cols, K: cols, transA: false, transB: false }, c, mBuf, cm, [], 'moments C·M');
    encodeRowwiseDot(ctx, cm, c, out, rows, cols);
    device.queue.submit([ctx.enc.finish()]);
    q.set(await readF32(device, out, rows), firstRow);
  });
  return q;
}
