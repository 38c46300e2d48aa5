// Euclidean norms of the rows of a row-major [R, C] matrix; optionally rescales each row to unit norm in place.
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';
import { rowGrid } from '../gpu/grid';
import { workgroupSum } from '../gpu/workgroup-sum';

const THREADS = 128;

function wgsl(R: number, C: number, normalize: boolean, gridX: number): string {
  return /* wgsl */ `// rownorm ${R}x${C} normalize=${normalize}
@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<storage, read_write> norms: array<f32>;
var<workgroup> red: array<f32, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * ${gridX}u + wg.x;
  if (row >= ${R}u) { return; } // uniform per workgroup, so the barriers below stay uniform
  var s = 0.0;
  for (var c = lid; c < ${C}u; c += ${THREADS}u) { let v = w[row * ${C}u + c]; s += v * v; }
  ${workgroupSum('s', THREADS)}
  let n = sqrt(red[0]);
  if (lid == 0u) { norms[row] = n; }
  ${
    normalize
      ? `// A dead all-zero row stays zero rather than becoming NaN.
  let inv = select(0.0, 1.0 / n, n > 0.0);
  for (var c = lid; c < ${C}u; c += ${THREADS}u) { w[row * ${C}u + c] *= inv; }`
      : ''
  }
}`;
}

/** norms[r] = ‖w[r, :]‖; with `normalize`, also w[r, :] /= norms[r]. */
export function encodeRowNorm(
  ctx: Enc,
  w: Binding,
  R: number,
  C: number,
  norms: Binding,
  normalize = false,
  name = 'rownorm',
): void {
  const grid = rowGrid(R, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  dispatch(ctx, pipelineFor(ctx.device, wgsl(R, C, normalize, grid[0]), name), [w, norms], grid, name);
}
