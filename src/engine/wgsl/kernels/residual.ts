// Decoder epilogue of the dense SAE: sums the split-K slabs of f·W_dec, adds b_dec, and emits the MSE gradient
// g = (2/B)(x̂ − x) and each row's ‖x̂ − x‖² in one pass, so x̂ itself is never stored.
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';
import { rowGrid } from '../gpu/grid';
import { workgroupSum } from '../gpu/workgroup-sum';

const THREADS = 256;

function wgsl(rows: number, d: number, splits: number, scale: string, gridX: number): string {
  return /* wgsl */ `// residual rows=${rows} d=${d} splits=${splits}
@group(0) @binding(0) var<storage, read> part: array<f32>;
@group(0) @binding(1) var<storage, read> bdec: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> gx: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowErr: array<f32>;
var<workgroup> red: array<f32, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * ${gridX}u + wg.x;
  if (row >= ${rows}u) { return; }
  var sq = 0.0;
  for (var c = lid; c < ${d}u; c += ${THREADS}u) {
    let i = row * ${d}u + c;
    var s = bdec[c];
    for (var p = 0u; p < ${splits}u; p++) { s += part[p * ${rows * d}u + i]; }
    let e = s - x[i];
    gx[i] = f32(${scale}) * e;
    sq += e * e;
  }
  ${workgroupSum('sq', THREADS)}
  if (lid == 0u) { rowErr[row] = red[0]; }
}`;
}

/** gx = (2/batch)(Σ_p part[p] + b_dec − x); rowErr[r] = ‖x̂_r − x_r‖². `batch` is the full batch (chunks share it). */
export function encodeResidual(
  ctx: Enc,
  part: Binding,
  splits: number,
  bdec: Binding,
  x: Binding,
  gx: Binding,
  rowErr: Binding,
  rows: number,
  d: number,
  batch: number,
  name = 'residual',
): void {
  const grid = rowGrid(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  const scale = (2 / batch).toPrecision(9);
  dispatch(
    ctx,
    pipelineFor(ctx.device, wgsl(rows, d, splits, scale, grid[0]), name),
    [part, bdec, x, gx, rowErr],
    grid,
    name,
  );
}
