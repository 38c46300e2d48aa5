// TopK SAE decoder and its first backward step, per row, by gathering the k active decoder rows (≈ 2kd FLOP
// instead of 2md). Two uses of one kernel:
//  - main:  x̂ = Σ_j val_j·W_dec[idx_j] + b_dec;  out = (2/B)(x̂ − x), the MSE's ∂/∂x̂;  rowSq = ‖x̂ − x‖².
//  - AuxK:  ê = Σ_j val_j·W_dec[idx_j] (no bias) against the main residual e = x − x̂ = −(B/2)·g_main;
//           out = s·(ê − e) with s = 2α/Σ‖e − ē‖² read from a buffer (auxk.ts);  rowSq = ‖ê − e‖².
// Both then give the gradient at the k selected pre-activations, g_val_j = out·W_dec[idx_j] (0 where val ≤ 0).
// A row's active latents are either k fixed slots (TopK: idx/val [rows, k]) or a range of entries (BatchTopK:
// ranges[2·row], ranges[2·row + 1] into entry arrays of `cap`, see batch-topk.ts).
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';
import { rowGrid } from '../gpu/grid';
import { workgroupSum } from '../gpu/workgroup-sum';

const THREADS = 256;
const LANES = 32; // threads per dot product in the g_val phase: one warp-sized group per active latent
/** Up to this k the row's (idx, val) pairs are staged in workgroup memory (8 KiB); beyond, read where they lie. */
const STAGED_K = 1024;

type Mode = { kind: 'main'; batch: number } | { kind: 'aux'; batch: number };
/** Where a row's latents are: k slots per row, or a range of `cap` entries. */
export type RowLists = { kind: 'fixed'; k: number } | { kind: 'ranges'; cap: number };

function wgsl(rows: number, d: number, lists: RowLists, mode: Mode, gridX: number): string {
  const groups = THREADS / LANES;
  const fixed = lists.kind === 'fixed';
  const k = fixed ? lists.k : 0;
  const staged = fixed && k <= STAGED_K;
  const aux = mode.kind === 'aux';
  // Entry j of this row: slot row·k + j, or entry first + j of a range.
  const at = (j: string) => (fixed ? `row * ${k}u + ${j}` : `first + ${j}`);
  const I = (j: string) => (staged ? `sIdx[${j}]` : `idx[${at(j)}]`);
  const V = (j: string) => (staged ? `sVal[${j}]` : `vals[${at(j)}]`);
  const n = fixed ? `${k}u` : 'count';
  const gvalAt = lists.kind === 'fixed' ? `${rows * k}u + row * ${k}u + j` : `${lists.cap}u + first + j`;
  const half = (mode.batch / 2).toPrecision(9),
    twoOverB = (2 / mode.batch).toPrecision(9);
  return /* wgsl */ `// sparse decode ${mode.kind} rows=${rows} d=${d} ${fixed ? `k=${k}` : `ranges cap=${lists.cap}`}
// vals = val [rows·k] then g_val [rows·k], one binding (read and written) to stay within 8 storage bindings.
@group(0) @binding(0) var<storage, read> idx: array<u32>;
@group(0) @binding(1) var<storage, read_write> vals: array<f32>;
@group(0) @binding(2) var<storage, read> wdec: array<f32>;
// main: b_dec [d]; aux: [s, Σ‖e − ē‖², α, −] from auxk.ts
@group(0) @binding(3) var<storage, read> bias: array<f32>;
// main: x; aux: the main pass's out (2/B)(x̂ − x)
@group(0) @binding(4) var<storage, read> goal: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> rowSq: array<f32>;
${fixed ? '' : '@group(0) @binding(7) var<storage, read> ranges: array<u32>;\nvar<workgroup> sRange: vec2<u32>;'}
${staged ? `var<workgroup> sIdx: array<u32, ${k}>;\nvar<workgroup> sVal: array<f32, ${k}>;` : ''}
var<workgroup> red: array<f32, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * ${gridX}u + wg.x;
  if (row >= ${rows}u) { return; }
  ${
    staged
      ? `for (var j = lid; j < ${k}u; j += ${THREADS}u) { sIdx[j] = idx[row * ${k}u + j]; sVal[j] = vals[row * ${k}u + j]; }
  workgroupBarrier();`
      : ''
  }${
    fixed
      ? ''
      : `
  if (lid == 0u) { sRange = vec2<u32>(ranges[2u * row], ranges[2u * row + 1u]); }
  let range = workgroupUniformLoad(&sRange);
  let first = range.x;
  let count = range.y;`
  }
  ${aux ? 'let scale = bias[0];' : `let scale = f32(${twoOverB});`}
  var sq = 0.0;
  for (var c = lid; c < ${d}u; c += ${THREADS}u) {
    var s = ${aux ? '0.0' : 'bias[c]'};
    for (var j = 0u; j < ${n}; j++) { s += ${V('j')} * wdec[${I('j')} * ${d}u + c]; }
    let e = s - ${aux ? `(-f32(${half}) * goal[row * ${d}u + c])` : `goal[row * ${d}u + c]`};
    out[row * ${d}u + c] = scale * e;
    sq += e * e;
  }
  ${workgroupSum('sq', THREADS)}
  if (lid == 0u) { rowSq[row] = red[0]; }
  storageBarrier(); // this row's out, written above by other threads, is read back below
  workgroupBarrier();
  let grp = lid / ${LANES}u;
  let lane = lid % ${LANES}u;
  for (var j0 = 0u; j0 < ${n}; j0 += ${groups}u) {
    let j = j0 + grp;
    var p = 0.0;
    if (j < ${n}) {
      let r = ${I('j')} * ${d}u;
      for (var c = lane; c < ${d}u; c += ${LANES}u) { p += out[row * ${d}u + c] * wdec[r + c]; }
    }
    red[lid] = p;
    workgroupBarrier();
    if (lane == 0u && j < ${n}) {
      var t = 0.0;
      for (var l = 0u; l < ${LANES}u; l++) { t += red[lid + l]; }
      vals[${gvalAt}] = select(0.0, t, ${V('j')} > 0.0);
    }
    workgroupBarrier();
  }
}`;
}

/**
 * vals holds val [rows·k] (from encodeTopK) followed by room for g_val [rows·k]; with `ranges` (BatchTopK),
 * idx/vals are entry arrays of `lists.cap` (g_val at cap + e) and ranges says which entries are each row's.
 */
export function encodeSparseDecode(
  ctx: Enc,
  idx: Binding,
  vals: Binding,
  wdec: Binding,
  bdec: Binding,
  x: Binding,
  gx: Binding,
  rowErr: Binding,
  rows: number,
  d: number,
  lists: RowLists,
  batch: number,
  name = 'sparse decode',
  ranges?: Binding,
): void {
  if ((lists.kind === 'ranges') !== !!ranges) throw new Error('sparse decode: ranges binding and row lists disagree');
  const grid = rowGrid(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  const bindings = [idx, vals, wdec, bdec, x, gx, rowErr, ...(ranges ? [ranges] : [])];
  dispatch(
    ctx,
    pipelineFor(ctx.device, wgsl(rows, d, lists, { kind: 'main', batch }, grid[0]), name),
    bindings,
    grid,
    name,
  );
}

/**
 * AuxK's decode of the main residual: gMain is the main pass's (2/B)(x̂ − x) [rows, d]; auxScale holds s at [0].
 * gE [rows, d] receives s·(ê − e), rowAux [rows] ‖ê − e‖², and vals' second half g_val.
 */
export function encodeAuxDecode(
  ctx: Enc,
  idx: Binding,
  vals: Binding,
  wdec: Binding,
  auxScale: Binding,
  gMain: Binding,
  gE: Binding,
  rowAux: Binding,
  rows: number,
  d: number,
  k: number,
  batch: number,
  name = 'auxk decode',
): void {
  const grid = rowGrid(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  dispatch(
    ctx,
    pipelineFor(ctx.device, wgsl(rows, d, { kind: 'fixed', k }, { kind: 'aux', batch }, grid[0]), name),
    [idx, vals, wdec, auxScale, gMain, gE, rowAux],
    grid,
    name,
  );
}
