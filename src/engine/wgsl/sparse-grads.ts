// TopK SAE backward per latent i, over only the batch entries where i was active (its CSR list):
// ∂W_dec,i = Σ val·g_b minus its component along the unit decoder row, ∂W_enc[:, i] = Σ g_val·xc_b, ∂b_enc,i = Σ g_val.
// Inactive latents get exact zeros, so the gradient buffers need no separate clear.
// An entry's batch row is e / k for TopK's fixed slots, or stored after the lists (BatchTopK, batch-topk.ts).
import { dispatch, pipelineFor, type Binding, type Enc } from './buffers.ts';
import { rowGrid } from './rownorm.ts';
import { workgroupSum } from './workgroup-sum.ts';

const THREADS = 256;

/** How an entry e finds its row: k slots per row, or csr[m + 1 + entries + e]. */
export type EntryRows = { kind: 'fixed'; k: number } | { kind: 'listed' };

function wgsl(m: number, d: number, rowsOf: EntryRows, entries: number, accumulate: boolean, gridX: number): string {
  const per = Math.ceil(d / THREADS);
  const acc = (lhs: string) => (accumulate ? `${lhs} + ` : '');
  const rowOf = rowsOf.kind === 'fixed' ? `e / ${rowsOf.k}u` : `csr[${m + 1 + entries}u + e]`;
  return /* wgsl */ `// sparse grads m=${m} d=${d} ${rowsOf.kind === 'fixed' ? `k=${rowsOf.k}` : 'listed rows'} entries=${entries}
// csr = offsets [m+1] then list; vals = val [entries] then g_val: 8 bindings, WebGPU's default per-stage limit.
@group(0) @binding(0) var<storage, read> csr: array<u32>;
@group(0) @binding(1) var<storage, read> vals: array<f32>;
@group(0) @binding(2) var<storage, read> gx: array<f32>;
@group(0) @binding(3) var<storage, read> xc: array<f32>;
@group(0) @binding(4) var<storage, read> wdec: array<f32>;
@group(0) @binding(5) var<storage, read_write> gWdec: array<f32>;
@group(0) @binding(6) var<storage, read_write> gWenc: array<f32>;
@group(0) @binding(7) var<storage, read_write> gbEnc: array<f32>;
var<workgroup> red: array<f32, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = wg.y * ${gridX}u + wg.x;
  if (i >= ${m}u) { return; }
  var gd: array<f32, ${per}>;
  var ge: array<f32, ${per}>;
  var gb = 0.0;
  for (var p = csr[i]; p < csr[i + 1u]; p++) {
    let e = csr[${m + 1}u + p];
    let b = (${rowOf}) * ${d}u;
    let v = vals[e];
    let gv = vals[${entries}u + e];
    gb += gv;
    for (var t = 0u; t < ${per}u; t++) {
      let c = lid + t * ${THREADS}u;
      if (c < ${d}u) { gd[t] += v * gx[b + c]; ge[t] += gv * xc[b + c]; }
    }
  }
  var dot = 0.0;
  for (var t = 0u; t < ${per}u; t++) { let c = lid + t * ${THREADS}u; if (c < ${d}u) { dot += gd[t] * wdec[i * ${d}u + c]; } }
  ${workgroupSum('dot', THREADS)}
  let par = red[0];
  for (var t = 0u; t < ${per}u; t++) {
    let c = lid + t * ${THREADS}u;
    if (c < ${d}u) {
      let o = i * ${d}u + c;
      gWdec[o] = ${acc('gWdec[o]')}gd[t] - par * wdec[o];
      let q = c * ${m}u + i;
      gWenc[q] = ${acc('gWenc[q]')}ge[t];
    }
  }
  if (lid == 0u) { gbEnc[i] = gb; } // per chunk; the caller accumulates
}`;
}

/** csr: offsets [m+1] then list (see csr.ts); vals: val then g_val, `entries` each. gbEnc is overwritten. */
export function encodeSparseGrads(ctx: Enc, csr: Binding, vals: Binding, gx: Binding, xc: Binding, wdec: Binding, gWdec: Binding, gWenc: Binding, gbEnc: Binding, m: number, d: number, rowsOf: EntryRows, entries: number, accumulate: boolean, name = 'sparse grads'): void {
  const grid = rowGrid(m, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  dispatch(ctx, pipelineFor(ctx.device, wgsl(m, d, rowsOf, entries, accumulate, grid[0]), name), [csr, vals, gx, xc, wdec, gWdec, gWenc, gbEnc], grid, name);
}
