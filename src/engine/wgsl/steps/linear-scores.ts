// z = X W + b for every row of a chunked X (the engine's linearScores), f32: one 32-lane group per row reduces
// the row's dot products with up to 8 columns of W at a time; each X chunk writes its own output buffer and one
// staging copy brings all rows back in a single map.
import { packedParamCount } from '../../../core/engine/engine';
import { checkBinding, dispatch, pipelineFor, storageBuffer, uploadBuffer } from '../gpu/buffers';
import { layoutFor, rowsPerGroup, type WgslMatrix } from './linear-objective';
import { narrowScoreGroups, narrowScoresWGSL } from '../kernels/linear-narrow';

const THREADS = 256;
const LANES = 32; // one row per 32-lane group: 8 rows per sub-block, the same layout as the fused objective
const SUB = THREADS / LANES;
/**
 * Outputs per pass over a row. All of a pass's partial sums go through shared memory together (THREADS × 8 f32
 * = 8 KiB, half the guaranteed workgroup storage), so a sub-block of 8 rows costs 2 barriers per pass rather than
 * 2 per output: barriers are what a software adapter (SwiftShader) pays most for.
 */
export const OUTPUTS_PER_PASS = 8;

/** Pure: the output blocks [first, count] a row's scores are computed in. */
export function outputBlocks(outputs: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let k = 0; k < outputs; k += OUTPUTS_PER_PASS) out.push([k, Math.min(OUTPUTS_PER_PASS, outputs - k)]);
  return out;
}

function scoresWGSL(cols: number, K: number, rows: number, rpw: number): string {
  const V = cols % 4 === 0 ? 4 : 1; // vec4 loads when rows stay 16-byte aligned
  const T = V === 4 ? 'vec4<f32>' : 'f32';
  const units = cols / V;
  const blocks = outputBlocks(K);
  const dotW = (k: string) =>
    V === 4
      ? `dot(xv, vec4<f32>(w[(u * 4u) * ${K}u + ${k}], w[(u * 4u + 1u) * ${K}u + ${k}], w[(u * 4u + 2u) * ${K}u + ${k}], w[(u * 4u + 3u) * ${K}u + ${k}]))`
      : `xv * w[u * ${K}u + ${k}]`;
  // One unrolled pass per block of ≤ 16 outputs: each pass re-reads the row, which the cache still holds.
  const pass = ([k0, kb]: [number, number]) => /* wgsl */ `
    {
      var zp: array<f32, ${kb}>;
      for (var k = 0u; k < ${kb}u; k++) { zp[k] = 0.0; }
      if (r < rEnd) {
        for (var u = lane; u < ${units}u; u += ${LANES}u) {
          let xv = x[r * ${units}u + u];
          for (var k = 0u; k < ${kb}u; k++) { zp[k] += ${dotW(`${k0}u + k`)}; }
        }
      }
      for (var k = 0u; k < ${kb}u; k++) { red[lid * ${OUTPUTS_PER_PASS}u + k] = zp[k]; }
      workgroupBarrier();
      // lane k of the row's group sums output k over the group's 32 lanes
      if (lane < ${kb}u && r < rEnd) {
        var t = w[${cols * K + k0}u + lane];
        let g0 = grp * ${LANES}u;
        for (var l = 0u; l < ${LANES}u; l++) { t += red[(g0 + l) * ${OUTPUTS_PER_PASS}u + lane]; }
        z[r * ${K}u + ${k0}u + lane] = t;
      }
      workgroupBarrier();
    }`;
  return /* wgsl */ `// linear scores cols=${cols} K=${K} rows=${rows} rpw=${rpw}
@group(0) @binding(0) var<storage, read> x: array<${T}>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> z: array<f32>;
var<workgroup> red: array<f32, ${THREADS * OUTPUTS_PER_PASS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let grp = lid / ${LANES}u;
  let lane = lid % ${LANES}u;
  let rBegin = wg.x * ${rpw}u;
  let rEnd = min(${rows}u, rBegin + ${rpw}u);
  // rEnd depends only on the workgroup id, so the barriers inside stay in uniform control flow.
  for (var sb = rBegin; sb < rEnd; sb += ${SUB}u) {
    let r = sb + grp;${blocks.map(pass).join('')}
  }
}`;
}

/**
 * Scores of every row of x, [rows, outputs] row-major. params is packed W [cols, outputs] then b [outputs].
 * x must come from uploadWgslMatrix on the same device.
 */
export async function wgslLinearScores(
  device: GPUDevice,
  x: WgslMatrix,
  params: Float32Array,
  outputs: number,
  layout = layoutFor(x.cols),
): Promise<Float32Array> {
  const { rows, cols } = x;
  if (!(Number.isInteger(outputs) && outputs >= 1)) throw new Error(`invalid outputs: ${outputs}`);
  const nParams = packedParamCount(cols, outputs);
  if (params.length !== nParams) throw new Error(`invalid params: length ${params.length}, expected ${nParams}`);
  if (rows === 0) return new Float32Array(0);
  const totalBytes = rows * outputs * 4;
  if (totalBytes > device.limits.maxBufferSize)
    throw new Error(`invalid scores: ${totalBytes} bytes > maxBufferSize ${device.limits.maxBufferSize}`);
  const wBuf = uploadBuffer(device, params, 'scores params');
  const outs = x.chunks.map((c) => {
    checkBinding(device, c.rows * outputs * 4, `scores rows ${c.firstRow}..${c.firstRow + c.rows}`);
    return storageBuffer(device, c.rows * outputs, `scores rows ${c.firstRow}..${c.firstRow + c.rows}`);
  });
  const staging = device.createBuffer({
    size: totalBytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    label: 'scores readback',
  });
  try {
    const enc = device.createCommandEncoder();
    x.chunks.forEach((c, i) => {
      if (layout === 'narrow') {
        const groups = narrowScoreGroups(c.rows);
        const pipeline = pipelineFor(
          device,
          narrowScoresWGSL(cols, outputs, c.rows, groups, outputBlocks(outputs)),
          'linear scores',
        );
        dispatch({ device, enc }, pipeline, [c.buffer, wBuf, outs[i]], [groups], 'linear scores');
      } else {
        const rpw = rowsPerGroup(c.rows);
        const pipeline = pipelineFor(device, scoresWGSL(cols, outputs, c.rows, rpw), 'linear scores');
        dispatch({ device, enc }, pipeline, [c.buffer, wBuf, outs[i]], [Math.ceil(c.rows / rpw)], 'linear scores');
      }
    });
    x.chunks.forEach((c, i) =>
      enc.copyBufferToBuffer(outs[i], 0, staging, c.firstRow * outputs * 4, c.rows * outputs * 4),
    );
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const z = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    return z;
  } finally {
    staging.destroy();
    wBuf.destroy();
    for (const b of outs) b.destroy();
  }
}
