// Sparse SAE backward per latent i, over only the batch entries where i was active (its CSR list):
// ∂W_dec,i = Σ val·g_b, ∂W_enc[:, i] = Σ g_val·xc_b, ∂b_enc,i = Σ g_val; then, by decoder kind,
//  - 'unit' (TopK, BatchTopK): ∂W_dec,i loses its component along the unit decoder row;
//  - 'l1' (ReLU + L1 on its sparse path): λ/B·‖W_dec,i‖ joins every active g_val, ∂W_dec,i gains
//    λ/B·(Σ val)·W_dec,i/‖W_dec,i‖, and the latent's loss term λ/B·(Σ val)·‖W_dec,i‖ is written out.
// Inactive latents get exact zeros, so the gradient buffers need no separate clear.
// An entry's batch row is e / k for TopK's fixed slots, or stored after the lists (BatchTopK, batch-topk.ts).
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';
import { rowGrid } from '../gpu/grid';
import { workgroupSum } from '../gpu/workgroup-sum';

const THREADS = 256;

/** How an entry e finds its row: k slots per row, or csr[m + 1 + entries + e]. */
export type EntryRows = { kind: 'fixed'; k: number } | { kind: 'listed' };
export type DecoderKind = 'unit' | 'l1';

/** 'l1': where λ/B sits in `vals` (after val and g_val), and where the per-latent loss terms [m] start. */
export const l1Slots = (entries: number) => ({ lambdaOverB: 2 * entries, terms: 2 * entries + 4 });

function wgsl(
  m: number,
  d: number,
  rowsOf: EntryRows,
  entries: number,
  accumulate: boolean,
  decoder: DecoderKind,
  gridX: number,
): string {
  const per = Math.ceil(d / THREADS);
  const acc = (lhs: string) => (accumulate ? `${lhs} + ` : '');
  const rowOf = rowsOf.kind === 'fixed' ? `e / ${rowsOf.k}u` : `csr[${m + 1 + entries}u + e]`;
  const l1 = decoder === 'l1',
    slots = l1Slots(entries);
  return /* wgsl */ `// sparse grads m=${m} d=${d} ${rowsOf.kind === 'fixed' ? `k=${rowsOf.k}` : 'listed rows'} entries=${entries} decoder=${decoder}
// csr = offsets [m+1] then list; vals = val [entries] then g_val (then, for 'l1', λ/B and the loss terms):
// 8 bindings, WebGPU's default per-stage limit.
@group(0) @binding(0) var<storage, read> csr: array<u32>;
@group(0) @binding(1) var<storage, ${l1 ? 'read_write' : 'read'}> vals: array<f32>;
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
  var gb = 0.0;${
    l1
      ? `
  var n2 = 0.0;
  for (var c = lid; c < ${d}u; c += ${THREADS}u) { let w = wdec[i * ${d}u + c]; n2 += w * w; }
  ${workgroupSum('n2', THREADS)}
  let nrm = sqrt(red[0]);
  let lamB = vals[${slots.lambdaOverB}u];
  var colF = 0.0;`
      : ''
  }
  for (var p = csr[i]; p < csr[i + 1u]; p++) {
    let e = csr[${m + 1}u + p];
    let b = (${rowOf}) * ${d}u;
    let v = vals[e];
    let gv = vals[${entries}u + e]${l1 ? ' + select(0.0, lamB * nrm, v > 0.0)' : ''};
    gb += gv;${l1 ? ' colF += v;' : ''}
    for (var t = 0u; t < ${per}u; t++) {
      let c = lid + t * ${THREADS}u;
      if (c < ${d}u) { gd[t] += v * gx[b + c]; ge[t] += gv * xc[b + c]; }
    }
  }
${
  l1
    ? `  // The L1 term's pull on the row: λ/B·colF·W/‖W‖ (a zero row has no direction to pull along).
  let par = -lamB * colF / max(nrm, 1e-30);
  if (lid == 0u) { vals[${slots.terms}u + i] = ${acc(`vals[${slots.terms}u + i]`)}lamB * colF * nrm; }`
    : `  var dot = 0.0;
  for (var t = 0u; t < ${per}u; t++) { let c = lid + t * ${THREADS}u; if (c < ${d}u) { dot += gd[t] * wdec[i * ${d}u + c]; } }
  ${workgroupSum('dot', THREADS)}
  let par = red[0];`
}
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

/**
 * csr: offsets [m+1] then list (see csr.ts); vals: val then g_val, `entries` each ('l1': then λ/B at
 * l1Slots().lambdaOverB and room for m loss terms at l1Slots().terms). gbEnc is overwritten.
 */
export function encodeSparseGrads(
  ctx: Enc,
  csr: Binding,
  vals: Binding,
  gx: Binding,
  xc: Binding,
  wdec: Binding,
  gWdec: Binding,
  gWenc: Binding,
  gbEnc: Binding,
  m: number,
  d: number,
  rowsOf: EntryRows,
  entries: number,
  accumulate: boolean,
  name = 'sparse grads',
  decoder: DecoderKind = 'unit',
): void {
  const grid = rowGrid(m, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  dispatch(
    ctx,
    pipelineFor(ctx.device, wgsl(m, d, rowsOf, entries, accumulate, decoder, grid[0]), name),
    [csr, vals, gx, xc, wdec, gWdec, gWenc, gbEnc],
    grid,
    name,
  );
}
