// TopK SAE decoder and its first backward step, per row: x̂ = Σ_j val_j·W_dec[idx_j] + b_dec by gathering the k
// active decoder rows (≈ 2kd FLOP instead of 2md), then g = (2/B)(x̂ − x), ‖x̂ − x‖², and the gradient at the
// k active pre-activations g_val_j = g·W_dec[idx_j] (0 where the activation was not positive).
import { dispatch, pipelineFor, type Binding, type Enc } from './buffers.ts';
import { rowGrid } from './rownorm.ts';
import { workgroupSum } from './workgroup-sum.ts';

const THREADS = 256;
const LANES = 32; // threads per dot product in the g_val phase: one warp-sized group per active latent

function wgsl(rows: number, d: number, k: number, scale: string, gridX: number): string {
  const groups = THREADS / LANES;
  return /* wgsl */ `// sparse decode rows=${rows} d=${d} k=${k}
// vals = val [rows·k] then g_val [rows·k], one binding (read and written) to stay within 8 storage bindings.
@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read_write> vals: array<f32>;
@group(0) @binding(2) var<storage, read> wdec: array<f32>;
@group(0) @binding(3) var<storage, read> bdec: array<f32>;
@group(0) @binding(4) var<storage, read> x: array<f32>;
@group(0) @binding(5) var<storage, read_write> gx: array<f32>;
@group(0) @binding(6) var<storage, read_write> rowErr: array<f32>;
var<workgroup> sIdx: array<u32, ${k}>;
var<workgroup> sVal: array<f32, ${k}>;
var<workgroup> red: array<f32, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * ${gridX}u + wg.x;
  if (row >= ${rows}u) { return; }
  for (var j = lid; j < ${k}u; j += ${THREADS}u) { sIdx[j] = idx[row * ${k}u + j]; sVal[j] = vals[row * ${k}u + j]; }
  workgroupBarrier();
  var sq = 0.0;
  for (var c = lid; c < ${d}u; c += ${THREADS}u) {
    var s = bdec[c];
    for (var j = 0u; j < ${k}u; j++) { s += sVal[j] * wdec[sIdx[j] * ${d}u + c]; }
    let e = s - x[row * ${d}u + c];
    gx[row * ${d}u + c] = f32(${scale}) * e;
    sq += e * e;
  }
  ${workgroupSum('sq', THREADS)}
  if (lid == 0u) { rowErr[row] = red[0]; }
  storageBarrier(); // this row's g, written above by other threads, is read back below
  workgroupBarrier();
  let grp = lid / ${LANES}u;
  let lane = lid % ${LANES}u;
  for (var j0 = 0u; j0 < ${k}u; j0 += ${groups}u) {
    let j = j0 + grp;
    var p = 0.0;
    if (j < ${k}u) {
      let r = sIdx[j] * ${d}u;
      for (var c = lane; c < ${d}u; c += ${LANES}u) { p += gx[row * ${d}u + c] * wdec[r + c]; }
    }
    red[lid] = p;
    workgroupBarrier();
    if (lane == 0u && j < ${k}u) {
      var t = 0.0;
      for (var l = 0u; l < ${LANES}u; l++) { t += red[lid + l]; }
      vals[${rows * k}u + row * ${k}u + j] = select(0.0, t, sVal[j] > 0.0);
    }
    workgroupBarrier();
  }
}`;
}

/** vals holds val [rows·k] (from encodeTopK) followed by room for g_val [rows·k]. */
export function encodeSparseDecode(ctx: Enc, idx: Binding, vals: Binding, wdec: Binding, bdec: Binding, x: Binding, gx: Binding, rowErr: Binding, rows: number, d: number, k: number, batch: number, name = 'sparse decode'): void {
  const grid = rowGrid(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  const code = wgsl(rows, d, k, (2 / batch).toPrecision(9), grid[0]);
  dispatch(ctx, pipelineFor(ctx.device, code, name), [idx, vals, wdec, bdec, x, gx, rowErr], grid, name);
}
