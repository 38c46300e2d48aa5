// Per-batch SAE statistics encoded inside a training step, while a chunk's residual and codes are on the device:
// per-row reconstruction sums, and per-latent firing counts over the whole batch (dead-latent tracking, L0/L1).
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';
import { flatGrid, flatIndex, rowGrid } from '../gpu/grid';

const THREADS = 64;

function rowStatsWgsl(R: number, C: number, scale: number, gridX: number): string {
  return /* wgsl */ `// sae row stats ${R}x${C} scale=${scale}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gx: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;
var<workgroup> red: array<vec4<f32>, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * ${gridX}u + wg.x;
  if (row >= ${R}u) { return; }
  var s = vec4<f32>(0.0);
  for (var c = lid; c < ${C}u; c += ${THREADS}u) {
    let xv = x[row * ${C}u + c];
    let e = gx[row * ${C}u + c] * ${scale.toExponential(9)};
    let h = xv + e;
    s += vec4<f32>(xv * xv, xv * h, h * h, e * e);
  }
  red[lid] = s;
  workgroupBarrier();
  for (var k = ${THREADS / 2}u; k > 0u; k >>= 1u) {
    if (lid < k) { red[lid] += red[lid + k]; }
    workgroupBarrier();
  }
  if (lid == 0u) { out[row] = red[0]; }
}`;
}

/**
 * out[row] = (‖x‖², x·x̂, ‖x̂‖², ‖x − x̂‖²) for `rows` rows of width d, from x and g = 2(x̂ − x)/B (so x̂ − x = g·B/2).
 * x̂ is rebuilt per element rather than expanded algebraically: ‖x̂‖² from ‖x‖² + 2x·e + ‖e‖² cancels badly.
 */
export function encodeRowStats(
  ctx: Enc,
  x: Binding,
  gx: Binding,
  out: Binding,
  rows: number,
  d: number,
  batch: number,
  name = 'sae row stats',
): void {
  const grid = rowGrid(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  dispatch(ctx, pipelineFor(ctx.device, rowStatsWgsl(rows, d, batch / 2, grid[0]), name), [x, gx, out], grid, name);
}

function denseFiresWgsl(R: number, m: number, accumulate: boolean, gridX: number): string {
  return /* wgsl */ `// sae dense fires ${R}x${m} acc=${accumulate}
@group(0) @binding(0) var<storage, read> f: array<f32>;
@group(0) @binding(1) var<storage, read_write> fires: array<u32>;
@group(0) @binding(2) var<storage, read_write> l1: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = ${flatIndex(gridX, THREADS)};
  if (i >= ${m}u) { return; }
  var n = 0u;
  var s = 0.0;
  for (var b = 0u; b < ${R}u; b++) {
    let v = f[b * ${m}u + i];
    if (v > 0.0) { n += 1u; s += v; }
  }
  fires[i] = ${accumulate ? 'fires[i] + ' : ''}n;
  l1[i] = ${accumulate ? 'l1[i] + ' : ''}s;
}`;
}

/** Dense codes f [rows, m]: fires[i] (+)= #{b: f_bi > 0}, l1[i] (+)= Σ_b f_bi (one thread per latent, coalesced). */
export function encodeDenseFires(
  ctx: Enc,
  f: Binding,
  fires: Binding,
  l1: Binding,
  rows: number,
  m: number,
  accumulate: boolean,
  name = 'sae dense fires',
): void {
  const grid = flatGrid(m, THREADS, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  dispatch(
    ctx,
    pipelineFor(ctx.device, denseFiresWgsl(rows, m, accumulate, grid[0]), name),
    [f, fires, l1],
    grid,
    name,
  );
}

function sparseFiresWgsl(R: number, k: number, gridX: number): string {
  return /* wgsl */ `// sae sparse fires rows=${R} k=${k}
@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read> vals: array<f32>;
@group(0) @binding(2) var<storage, read_write> fires: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> rowL1: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = ${flatIndex(gridX, THREADS)};
  if (row >= ${R}u) { return; }
  var s = 0.0;
  for (var j = 0u; j < ${k}u; j++) {
    let v = vals[row * ${k}u + j];
    // Top-k keeps k entries even when fewer are positive; those carry no activation and do not fire.
    if (v > 0.0) { atomicAdd(&fires[idx[row * ${k}u + j]], 1u); s += v; }
  }
  rowL1[row] = s;
}`;
}

/** Sparse codes (idx, val) [rows, k]: fires[idx] += 1 where val > 0 (atomics; clear `fires` once per batch), rowL1[row] = Σ val⁺. */
export function encodeSparseFires(
  ctx: Enc,
  idx: Binding,
  vals: Binding,
  fires: Binding,
  rowL1: Binding,
  rows: number,
  k: number,
  name = 'sae sparse fires',
): void {
  const grid = flatGrid(rows, THREADS, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  dispatch(
    ctx,
    pipelineFor(ctx.device, sparseFiresWgsl(rows, k, grid[0]), name),
    [idx, vals, fires, rowL1],
    grid,
    name,
  );
}

function rangeFiresWgsl(R: number, gridX: number): string {
  return /* wgsl */ `// sae range fires rows=${R}
@group(0) @binding(0) var<storage, read> entLat: array<u32>;
@group(0) @binding(1) var<storage, read> entVal: array<f32>;
@group(0) @binding(2) var<storage, read> ranges: array<u32>;
@group(0) @binding(3) var<storage, read_write> fires: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> rowL1: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = ${flatIndex(gridX, THREADS)};
  if (row >= ${R}u) { return; }
  var s = 0.0;
  let first = ranges[2u * row];
  for (var e = first; e < first + ranges[2u * row + 1u]; e++) {
    let v = entVal[e];
    if (v > 0.0) { atomicAdd(&fires[entLat[e]], 1u); s += v; }
  }
  rowL1[row] = s;
}`;
}

/** BatchTopK's entries (batch-topk.ts): fires[latent] += 1 per positive entry (clear once per batch), rowL1[row] = Σ val⁺. */
export function encodeRangeFires(
  ctx: Enc,
  entLat: Binding,
  entVal: Binding,
  ranges: Binding,
  fires: Binding,
  rowL1: Binding,
  rows: number,
  name = 'sae range fires',
): void {
  const grid = flatGrid(rows, THREADS, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  dispatch(
    ctx,
    pipelineFor(ctx.device, rangeFiresWgsl(rows, grid[0]), name),
    [entLat, entVal, ranges, fires, rowL1],
    grid,
    name,
  );
}
