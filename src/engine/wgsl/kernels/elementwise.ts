// Two tiny elementwise programs the SAE steps need between the big kernels: x − b (row broadcast) and dst += src.
import { flatGrid, flatIndex } from '../gpu/grid';
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';

const THREADS = 256;

/** out[r, c] = x[r, c] − v[c] for an [R, C] matrix (centring the SAE input on b_dec). */
export function encodeSubRow(
  ctx: Enc,
  x: Binding,
  v: Binding,
  out: Binding,
  R: number,
  C: number,
  name = 'subrow',
): void {
  const g = flatGrid(R * C, THREADS, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  const code = /* wgsl */ `// subrow ${R}x${C}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read_write> o: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = ${flatIndex(g[0], THREADS)};
  if (i >= ${R * C}u) { return; }
  o[i] = x[i] - v[i % ${C}u];
}`;
  dispatch(ctx, pipelineFor(ctx.device, code, name), [x, v, out], g, name);
}

/** dst[i] += src[i] for n elements (accumulating per-chunk bias gradients). */
export function encodeAddInto(ctx: Enc, src: Binding, dst: Binding, n: number, name = 'add'): void {
  const g = flatGrid(n, THREADS, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  const code = /* wgsl */ `// add ${n}
@group(0) @binding(0) var<storage, read> s: array<f32>;
@group(0) @binding(1) var<storage, read_write> d: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = ${flatIndex(g[0], THREADS)};
  if (i < ${n}u) { d[i] += s[i]; }
}`;
  dispatch(ctx, pipelineFor(ctx.device, code, name), [src, dst], g, name);
}
