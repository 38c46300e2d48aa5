// Per-row top-k of ReLU activations by radix select on the f32 bit patterns (non-negative floats order like
// their u32 bits): four 8-bit histogram passes find the k-th largest key exactly, one more pass emits the k winners.
// With a latent mask (AuxK: dead latents only), masked-out entries key as 0 like non-positive ones, so they are
// only ever picked to fill the k slots, with value 0.
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';
import { rowGrid } from '../gpu/grid';

const THREADS = 256;

function wgsl(rows: number, m: number, k: number, gridX: number, masked: boolean): string {
  return /* wgsl */ `// topk rows=${rows} m=${m} k=${k}${masked ? ' masked' : ''}
@group(0) @binding(0) var<storage, read> f: array<f32>;
@group(0) @binding(1) var<storage, read_write> idx: array<u32>;
@group(0) @binding(2) var<storage, read_write> val: array<f32>;
${masked ? '@group(0) @binding(3) var<storage, read> allowed: array<u32>;' : ''}
var<workgroup> hist: array<atomic<u32>, 256>;
var<workgroup> sel: vec2<u32>;
var<workgroup> above: atomic<u32>;
var<workgroup> ties: atomic<u32>;

// ReLU as a key: every value ≤ 0 (and −0, NaN) maps to 0, so positives keep their order as u32.
fn key(v: f32, i: u32) -> u32 { return select(0u, bitcast<u32>(v), v > 0.0${masked ? ' && allowed[i] != 0u' : ''}); }

@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * ${gridX}u + wg.x;
  if (row >= ${rows}u) { return; }
  let base = row * ${m}u;
  var prefix = 0u;
  var mask = 0u;
  var need = ${k}u;
  for (var round = 0u; round < 4u; round++) {
    let shift = 24u - 8u * round;
    atomicStore(&hist[lid], 0u);
    workgroupBarrier();
    for (var i = lid; i < ${m}u; i += ${THREADS}u) {
      let kk = key(f[base + i], i);
      if ((kk & mask) == prefix) { atomicAdd(&hist[(kk >> shift) & 255u], 1u); }
    }
    workgroupBarrier();
    if (lid == 0u) { // the digit where the count from the top first reaches need
      var acc = 0u;
      var digit = 0u;
      for (var b = 255i; b >= 0i; b--) {
        let c = atomicLoad(&hist[b]);
        if (acc + c >= need) { digit = u32(b); break; }
        acc += c;
      }
      sel = vec2<u32>(digit, need - acc);
    }
    let s = workgroupUniformLoad(&sel);
    prefix |= s.x << shift;
    mask |= 255u << shift;
    need = s.y;
  }
  // prefix is now the k-th largest key: take everything above it and \`need\` of its ties.
  if (lid == 0u) { atomicStore(&above, 0u); atomicStore(&ties, 0u); }
  workgroupBarrier();
  let out = row * ${k}u;
  for (var i = lid; i < ${m}u; i += ${THREADS}u) {
    let v = f[base + i];
    let kk = key(v, i);
    var slot = ${k}u;
    if (kk > prefix) { slot = atomicAdd(&above, 1u); }
    else if (kk == prefix) { let t = atomicAdd(&ties, 1u); if (t < need) { slot = ${k}u - need + t; } }
    if (slot < ${k}u) { idx[out + slot] = i; val[out + slot] = select(0.0, v, kk > 0u); }
  }
}`;
}

/**
 * idx/val [rows, k] = the k largest ReLU activations of each row of f [rows, m] (unordered within a row); with
 * `allowed` (u32 [m], nonzero = may be chosen), the k largest among the allowed latents.
 */
export function encodeTopK(
  ctx: Enc,
  f: Binding,
  rows: number,
  m: number,
  k: number,
  idx: Binding,
  val: Binding,
  name = 'topk',
  allowed?: Binding,
): void {
  if (!(k >= 1 && k <= m)) throw new Error(`invalid top-k: k=${k} for m=${m}`);
  const grid = rowGrid(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  const bindings = allowed ? [f, idx, val, allowed] : [f, idx, val];
  dispatch(ctx, pipelineFor(ctx.device, wgsl(rows, m, k, grid[0], !!allowed), name), bindings, grid, name);
}
