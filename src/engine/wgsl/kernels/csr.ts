// Transposes the top-k lists (row → k latents) into per-latent lists (latent → entries) without float atomics:
// count per latent, exclusive scan, then scatter entry ids. The sparse backward sums each latent's list in order.
// Entry order within a list follows atomic arrival, so gradient sums can differ in the last bits between runs.
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';

const THREADS = 256;

function countWGSL(entries: number): string {
  return /* wgsl */ `// csr count ${entries}
@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read_write> counts: array<atomic<u32>>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x < ${entries}u) { atomicAdd(&counts[idx[gid.x]], 1u); }
}`;
}

function scanWGSL(m: number): string {
  const per = Math.ceil(m / THREADS);
  return /* wgsl */ `// csr scan ${m}
@group(0) @binding(0) var<storage, read> counts: array<u32>;
@group(0) @binding(1) var<storage, read_write> csr: array<u32>;
@group(0) @binding(2) var<storage, read_write> cursor: array<u32>;
var<workgroup> sums: array<u32, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(local_invocation_index) lid: u32) {
  let b0 = lid * ${per}u;
  var s = 0u;
  for (var i = b0; i < min(b0 + ${per}u, ${m}u); i++) { s += counts[i]; }
  sums[lid] = s;
  workgroupBarrier();
  for (var h = 1u; h < ${THREADS}u; h <<= 1u) { // Hillis–Steele inclusive scan of the per-thread sums
    var v = sums[lid];
    if (lid >= h) { v += sums[lid - h]; }
    workgroupBarrier();
    sums[lid] = v;
    workgroupBarrier();
  }
  var run = sums[lid] - s;
  for (var i = b0; i < min(b0 + ${per}u, ${m}u); i++) { csr[i] = run; cursor[i] = run; run += counts[i]; }
  if (lid == ${THREADS - 1}u) { csr[${m}u] = sums[lid]; }
}`;
}

function fillWGSL(entries: number, m: number): string {
  return /* wgsl */ `// csr fill ${entries}
@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read_write> cursor: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> csr: array<u32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x < ${entries}u) { csr[${m + 1}u + atomicAdd(&cursor[idx[gid.x]], 1u)] = gid.x; }
}`;
}

/** csr holds offsets [m+1] then the list [entries]; counts and cursor are [m] scratch. */
export interface CsrBuffers {
  counts: GPUBuffer;
  csr: Binding;
  cursor: Binding;
}

/** Fills csr so that list[offsets[i]..offsets[i+1]) are the entries e (row·k + j) with idx[e] = i. */
export function encodeCsr(ctx: Enc, idx: Binding, entries: number, m: number, b: CsrBuffers): void {
  const { device } = ctx;
  const groups = Math.ceil(entries / THREADS);
  if (groups > device.limits.maxComputeWorkgroupsPerDimension)
    throw new Error(`invalid top-k batch: ${entries} entries exceed one dispatch`);
  ctx.enc.clearBuffer(b.counts);
  dispatch(ctx, pipelineFor(device, countWGSL(entries), 'csr count'), [idx, b.counts], [groups], 'csr count');
  dispatch(ctx, pipelineFor(device, scanWGSL(m), 'csr scan'), [b.counts, b.csr, b.cursor], [1], 'csr scan');
  dispatch(ctx, pipelineFor(device, fillWGSL(entries, m), 'csr fill'), [idx, b.cursor, b.csr], [groups], 'csr fill');
}
