// out[i] (=|+=) add[i] − Σ_j W[i, j]·v[j]: the b_dec gradient's path back through the encoder, −W_enc·Σ_b g_pre.
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';
import { rowGrid } from '../gpu/grid';
import { workgroupSum } from '../gpu/workgroup-sum';

const THREADS = 256;

export function encodeRowDot(
  ctx: Enc,
  w: Binding,
  v: Binding,
  add: Binding,
  out: Binding,
  R: number,
  C: number,
  accumulate: boolean,
  name = 'rowdot',
): void {
  const grid = rowGrid(R, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  const code = /* wgsl */ `// rowdot ${R}x${C}
@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read> addv: array<f32>;
@group(0) @binding(3) var<storage, read_write> o: array<f32>;
var<workgroup> red: array<f32, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * ${grid[0]}u + wg.x;
  if (row >= ${R}u) { return; }
  var s = 0.0;
  for (var c = lid; c < ${C}u; c += ${THREADS}u) { s += w[row * ${C}u + c] * v[c]; }
  ${workgroupSum('s', THREADS)}
  if (lid == 0u) { o[row] = ${accumulate ? 'o[row] + ' : ''}addv[row] - red[0]; }
}`;
  dispatch(ctx, pipelineFor(ctx.device, code, name), [w, v, add, out], grid, name);
}
