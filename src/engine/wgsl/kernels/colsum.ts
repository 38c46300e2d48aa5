// Column sums of a row-major [R, C] f32 matrix, in two passes (row blocks, then blocks) so any R fills the GPU.
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';

const ROWS_PER_GROUP = 128; // pass-1 rows per workgroup: enough work per thread, enough workgroups for big R
const THREADS = 256;

function wgsl(R: number, C: number, rowsPerGroup: number, accumulate: boolean): string {
  return /* wgsl */ `// colsum ${R}x${C} by ${rowsPerGroup}
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wg: vec3<u32>) {
  let col = gid.x;
  if (col >= ${C}u) { return; }
  let r0 = wg.y * ${rowsPerGroup}u;
  let r1 = min(${R}u, r0 + ${rowsPerGroup}u);
  var s = 0.0;
  for (var r = r0; r < r1; r++) { s += src[r * ${C}u + col]; }
  let o = wg.y * ${C}u + col;
  dst[o] = ${accumulate ? 'dst[o] + s' : 's'};
}`;
}

/** Scratch floats `encodeColSum` needs for an [R, C] input. */
export function colSumScratch(R: number, C: number): number {
  return Math.ceil(R / ROWS_PER_GROUP) * C;
}

/** out[c] (=|+=) Σ_r src[r, c]. `scratch` holds colSumScratch(R, C) floats. */
export function encodeColSum(
  ctx: Enc,
  src: Binding,
  R: number,
  C: number,
  out: Binding,
  scratch: Binding,
  accumulate = false,
  name = 'colsum',
): void {
  const blocks = Math.ceil(R / ROWS_PER_GROUP);
  const gx = Math.ceil(C / THREADS);
  if (blocks === 1) {
    dispatch(ctx, pipelineFor(ctx.device, wgsl(R, C, ROWS_PER_GROUP, accumulate), name), [src, out], [gx, 1], name);
    return;
  }
  dispatch(ctx, pipelineFor(ctx.device, wgsl(R, C, ROWS_PER_GROUP, false), name), [src, scratch], [gx, blocks], name);
  dispatch(ctx, pipelineFor(ctx.device, wgsl(blocks, C, blocks, accumulate), name), [scratch, out], [gx, 1], name);
}
