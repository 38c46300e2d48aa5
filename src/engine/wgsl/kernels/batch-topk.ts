// BatchTopK's selection on the device: the (k·B)-th largest ReLU activation of the whole batch by radix select
// (four 8-bit histogram rounds over every chunk, as topk.ts does per row), then every activation ≥ that
// threshold (and > 0) is emitted as an entry (latent, value, row), each row's entries contiguous.
// Ties at the threshold are all kept, as the tfjs trainer's `pre ≥ θ` does; capacity is k·B plus one tie per
// row, and the host is told when a batch overflows it.
//
// sel = [prefix, mask, need, smallest kept key, overflow]: the radix state, the batch's smallest kept activation
// (f32 bits; positive floats order like u32) that BatchTopK's EMA threshold follows, and the largest entry count
// a chunk needed past capacity (0 when everything fit).
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';
import { rowGrid } from '../gpu/grid';
import { flatGrid } from '../gpu/grid';

const THREADS = 256;
const PER_GROUP = 4096; // histogram elements per workgroup: one flush of 256 bins per 4096 reads

/** Capacity for a batch's entries: k·B, plus one tie at the threshold per row. */
export function batchEntryCapacity(k: number, batch: number): number {
  return k * batch + batch;
}

/** The radix state to write before a batch's first round: nothing fixed yet, need k·B, no kept key seen. */
export function initialSelection(k: number, batch: number, m: number): Uint32Array<ArrayBuffer> {
  return Uint32Array.of(0, 0, Math.min(k * batch, batch * m), 0xffffffff, 0, 0, 0, 0);
}

/** ReLU's selection: no radix rounds, every key ≥ 1 (every positive activation) is kept. */
export function positiveSelection(): Uint32Array<ArrayBuffer> {
  return Uint32Array.of(1, 0xffffffff, 0, 0xffffffff, 0, 0, 0, 0);
}

/**
 * Poisons the squared gradient norm (NaN) when the selection overflowed, so the gated Adam that reads it skips
 * the update: a step that dropped entries never reaches the weights, and the host redoes it densely.
 */
export function encodeOverflowGuard(ctx: Enc, sel: Binding, normSq: Binding): void {
  const code = /* wgsl */ `// selection overflow guard
@group(0) @binding(0) var<storage, read> sel: array<u32>;
@group(0) @binding(1) var<storage, read_write> normSq: array<f32>;
@compute @workgroup_size(1)
fn main() {
  // A quiet NaN built at run time: a constant NaN is a shader-creation error.
  if (sel[4] > 0u) { normSq[0] = bitcast<f32>(0x7fc00000u | (sel[4] & 0u)); }
}`;
  dispatch(
    ctx,
    pipelineFor(ctx.device, code, 'selection overflow guard'),
    [sel, normSq],
    [1],
    'selection overflow guard',
  );
}

const KEY = 'fn key(v: f32) -> u32 { return select(0u, bitcast<u32>(v), v > 0.0); }';

function histWGSL(n: number, round: number, gridX: number): string {
  const shift = 24 - 8 * round;
  return /* wgsl */ `// batch topk hist n=${n} round=${round}
@group(0) @binding(0) var<storage, read> f: array<f32>;
@group(0) @binding(1) var<storage, read> sel: array<u32>;
@group(0) @binding(2) var<storage, read_write> hist: array<atomic<u32>>;
var<workgroup> local: array<atomic<u32>, 256>;
${KEY}
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  atomicStore(&local[lid], 0u);
  workgroupBarrier();
  let prefix = sel[0];
  let mask = sel[1];
  let start = (wg.y * ${gridX}u + wg.x) * ${PER_GROUP}u;
  let end = min(${n}u, start + ${PER_GROUP}u);
  for (var i = start + lid; i < end; i += ${THREADS}u) {
    let kk = key(f[i]);
    if ((kk & mask) == prefix) { atomicAdd(&local[(kk >> ${shift}u) & 255u], 1u); }
  }
  workgroupBarrier();
  let c = atomicLoad(&local[lid]);
  if (c > 0u) { atomicAdd(&hist[lid], c); }
}`;
}

function selectWGSL(round: number): string {
  const shift = 24 - 8 * round;
  return /* wgsl */ `// batch topk select round=${round}
@group(0) @binding(0) var<storage, read> hist: array<u32>;
@group(0) @binding(1) var<storage, read_write> sel: array<u32>;
@compute @workgroup_size(1)
fn main() {
  let need = sel[2];
  var acc = 0u;
  var digit = 0u;
  for (var b = 255i; b >= 0i; b--) { // the digit where the count from the top first reaches need
    let c = hist[b];
    if (acc + c >= need) { digit = u32(b); break; }
    acc += c;
  }
  sel[0] = sel[0] | (digit << ${shift}u);
  sel[1] = sel[1] | (255u << ${shift}u);
  sel[2] = need - acc;
}`;
}

/**
 * One radix round over one chunk's activations f [n] (rows·m). `hist` (256 u32) must be cleared before the
 * round's first chunk; `encodeBatchSelect` then folds the round into `sel`.
 */
export function encodeBatchHist(ctx: Enc, f: Binding, n: number, sel: Binding, hist: Binding, round: number): void {
  const grid = flatGrid(n, PER_GROUP, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  dispatch(
    ctx,
    pipelineFor(ctx.device, histWGSL(n, round, grid[0]), 'batch topk hist'),
    [f, sel, hist],
    grid,
    'batch topk hist',
  );
}

export function encodeBatchSelect(ctx: Enc, hist: Binding, sel: Binding, round: number): void {
  dispatch(ctx, pipelineFor(ctx.device, selectWGSL(round), 'batch topk select'), [hist, sel], [1], 'batch topk select');
}

function emitWGSL(rows: number, m: number, cap: number, gridX: number): string {
  return /* wgsl */ `// batch topk emit rows=${rows} m=${m} cap=${cap}
@group(0) @binding(0) var<storage, read> f: array<f32>;
@group(0) @binding(1) var<storage, read_write> sel: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> entLat: array<u32>;
@group(0) @binding(3) var<storage, read_write> entVal: array<f32>;
// csr = latent offsets [m+1], latent lists [cap] (csr.ts), then each entry's row [cap], written here
@group(0) @binding(4) var<storage, read_write> csr: array<u32>;
// ranges[2·row] = first entry of the row, ranges[2·row + 1] = its entry count
@group(0) @binding(5) var<storage, read_write> ranges: array<u32>;
@group(0) @binding(6) var<storage, read_write> counter: array<atomic<u32>>;
var<workgroup> count: atomic<u32>;
var<workgroup> pos: atomic<u32>;
var<workgroup> smallest: atomic<u32>;
var<workgroup> first: u32;
${KEY}
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.y * ${gridX}u + wg.x;
  if (row >= ${rows}u) { return; }
  if (lid == 0u) { atomicStore(&count, 0u); atomicStore(&pos, 0u); atomicStore(&smallest, 0xffffffffu); }
  workgroupBarrier();
  let prefix = atomicLoad(&sel[0]);
  let base = row * ${m}u;
  for (var i = lid; i < ${m}u; i += ${THREADS}u) {
    let kk = key(f[base + i]);
    if (kk > 0u && kk >= prefix) { atomicAdd(&count, 1u); atomicMin(&smallest, kk); }
  }
  workgroupBarrier();
  if (lid == 0u) {
    let c = atomicLoad(&count);
    let b = atomicAdd(&counter[0], c);
    // Past capacity the row keeps no entries; the counter still tells the host how many there were.
    let fits = b + c <= ${cap}u;
    first = select(${cap}u, b, fits);
    ranges[2u * row] = select(0u, b, fits);
    ranges[2u * row + 1u] = select(0u, c, fits);
    if (c > 0u) { atomicMin(&sel[3], atomicLoad(&smallest)); }
    if (!fits) { atomicMax(&sel[4], b + c); }
  }
  let b = workgroupUniformLoad(&first);
  if (b >= ${cap}u) { return; }
  for (var i = lid; i < ${m}u; i += ${THREADS}u) {
    let v = f[base + i];
    let kk = key(v);
    if (kk > 0u && kk >= prefix) {
      let e = b + atomicAdd(&pos, 1u);
      entLat[e] = i;
      entVal[e] = v;
      csr[${m + 1 + cap}u + e] = row;
    }
  }
}`;
}

/** Emits one chunk's entries (rows chunk-local); clear entLat, entVal, csr and counter before each chunk. */
export function encodeBatchEmit(
  ctx: Enc,
  f: Binding,
  sel: Binding,
  b: { entLat: Binding; entVal: Binding; csr: Binding; ranges: Binding; counter: Binding },
  rows: number,
  m: number,
  cap: number,
): void {
  const grid = rowGrid(rows, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  dispatch(
    ctx,
    pipelineFor(ctx.device, emitWGSL(rows, m, cap, grid[0]), 'batch topk emit'),
    [f, sel, b.entLat, b.entVal, b.csr, b.ranges, b.counter],
    grid,
    'batch topk emit',
  );
}

/** What a step's selection left in `sel` (8 u32, read back): the smallest kept activation and any overflow. */
export function selectionOutcome(sel: Uint32Array): { minKept: number | null; overflowEntries: number } {
  const minKept = sel[3] === 0xffffffff ? null : new Float32Array(Uint32Array.of(sel[3]).buffer)[0];
  return { minKept, overflowEntries: sel[4] };
}
