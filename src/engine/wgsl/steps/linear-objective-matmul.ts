// The linear objective for many outputs (multinomial probes with more than MAX_OUTPUTS classes), as matmuls:
// per block of rows Z = X·W + b, a softmax pass turning Z into R = s·(softmax(Z) − onehot(y)) with the row
// losses, then ∂W += Xᵀ·R and ∂b += Σ R. The fused kernel (linear-objective.ts) keeps K accumulators per thread
// and spills past 16; this path has no limit on K. f32 on the device, one readback per evaluation.
import type { LinearObjective } from '../../../core/engine/engine';
import { packedParamCount } from '../../../core/engine/engine';
import { dispatch, pipelineFor, storageBuffer, uploadBuffer, view, type Enc } from '../gpu/buffers';
import { momentBlocks, BLOCK_ROWS } from './centred-moments';
import { colSumScratch, encodeColSum } from '../kernels/colsum';
import { checkObjectiveInputs, type WgslMatrix } from './linear-objective';
import { encodeMatmul } from '../kernels/matmul';
import { flatGrid, flatIndex } from '../gpu/grid';

const THREADS = 64;

/** One thread per row: max, Σ exp, then R in place of Z and the row's weighted loss (logsumexp − z_y). */
function softmaxWGSL(rows: number, K: number, gridX: number): string {
  return /* wgsl */ `// softmax residual rows=${rows} K=${K}
@group(0) @binding(0) var<storage, read_write> z: array<f32>;
@group(0) @binding(1) var<storage, read> targets: array<i32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> rowLoss: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = ${flatIndex(gridX, THREADS)};
  if (r >= ${rows}u) { return; }
  let o = r * ${K}u;
  var mx = -3.4e38;
  for (var k = 0u; k < ${K}u; k++) { mx = max(mx, z[o + k]); }
  var se = 0.0;
  for (var k = 0u; k < ${K}u; k++) { se += exp(z[o + k] - mx); }
  let y = u32(targets[r]);
  let s = weights[r];
  rowLoss[r] = s * (mx + log(se) - z[o + y]);
  for (var k = 0u; k < ${K}u; k++) { z[o + k] = s * (exp(z[o + k] - mx) / se - select(0.0, 1.0, k == y)); }
}`;
}

/** A LinearObjective for outputs = K ≥ 2 classes of any count; x from uploadWgslMatrix on the same device. */
export function createWgslMatmulObjective(
  device: GPUDevice,
  x: WgslMatrix,
  targets: Int32Array,
  K: number,
  rowWeights?: Float32Array,
  blockRows = BLOCK_ROWS,
): LinearObjective {
  const { rows, cols } = x;
  if (!(Number.isInteger(K) && K >= 2))
    throw new Error(`invalid outputs: ${K} (the matmul objective is multinomial, K ≥ 2)`);
  checkObjectiveInputs(rows, targets, K, rowWeights);
  const nParams = packedParamCount(cols, K);
  const blocks = momentBlocks(x.chunks, blockRows);
  const maxRows = Math.max(1, ...blocks.map((b) => b[2]));
  // Targets and weights per X chunk, so a block's slice of them starts 256-byte aligned like the block of X.
  const perChunk = x.chunks.map((c) => ({
    targets: uploadBuffer(device, targets.subarray(c.firstRow, c.firstRow + c.rows), 'targets'),
    weights: uploadBuffer(
      device,
      rowWeights ? rowWeights.subarray(c.firstRow, c.firstRow + c.rows) : new Float32Array(c.rows).fill(1),
      'row weights',
    ),
  }));
  const wBuf = storageBuffer(device, cols * K, 'W');
  const bBuf = storageBuffer(device, K, 'b');
  const z = storageBuffer(device, maxRows * K, 'scores');
  const rowLoss = storageBuffer(device, maxRows, 'row losses');
  const gW = storageBuffer(device, cols * K, '∂W');
  const gB = storageBuffer(device, K, '∂b');
  const loss = storageBuffer(device, 1, 'loss');
  const scratch = storageBuffer(
    device,
    Math.max(colSumScratch(maxRows, K), colSumScratch(maxRows, 1)),
    'colsum scratch',
  );
  const owned = [wBuf, bBuf, z, rowLoss, gW, gB, loss, scratch, ...perChunk.flatMap((p) => [p.targets, p.weights])];
  return {
    rows,
    cols,
    outputs: K,
    async evaluate(params: Float32Array) {
      if (params.length !== nParams) throw new Error(`invalid params: length ${params.length}, expected ${nParams}`);
      device.queue.writeBuffer(wBuf, 0, params.buffer, params.byteOffset, cols * K * 4);
      device.queue.writeBuffer(bBuf, 0, params.buffer, params.byteOffset + cols * K * 4, K * 4);
      const ctx: Enc = { device, enc: device.createCommandEncoder() };
      blocks.forEach(([ci, r0, n], i) => {
        const acc = i > 0,
          xb = view(x.chunks[ci].buffer, r0 * cols, n * cols);
        encodeMatmul(
          ctx,
          { M: n, N: K, K: cols, transA: false, transB: false, epilogue: { kind: 'bias', relu: false } },
          xb,
          wBuf,
          z,
          [bBuf],
          'objective X·W',
        );
        const grid = flatGrid(n, THREADS, device.limits.maxComputeWorkgroupsPerDimension);
        dispatch(
          ctx,
          pipelineFor(device, softmaxWGSL(n, K, grid[0]), 'softmax residual'),
          [z, view(perChunk[ci].targets, r0, n), view(perChunk[ci].weights, r0, n), rowLoss],
          grid,
          'softmax residual',
        );
        encodeMatmul(
          ctx,
          { M: cols, N: K, K: n, transA: true, transB: false, accumulate: acc },
          xb,
          z,
          gW,
          [],
          'objective Xᵀ·R',
        );
        encodeColSum(ctx, z, n, K, gB, scratch, acc, 'objective Σ R');
        encodeColSum(ctx, rowLoss, n, 1, loss, scratch, acc, 'objective Σ loss');
      });
      const staging = device.createBuffer({
        size: (nParams + 1) * 4,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      ctx.enc.copyBufferToBuffer(gW, 0, staging, 0, cols * K * 4);
      ctx.enc.copyBufferToBuffer(gB, 0, staging, cols * K * 4, K * 4);
      ctx.enc.copyBufferToBuffer(loss, 0, staging, nParams * 4, 4);
      device.queue.submit([ctx.enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      staging.destroy();
      return { loss: out[nParams], grad: out.subarray(0, nParams) };
    },
    dispose() {
      for (const b of owned) b.destroy();
    },
  };
}
