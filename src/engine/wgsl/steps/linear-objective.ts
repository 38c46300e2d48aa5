// Full-batch loss and gradient of a linear sigmoid/softmax model on the GPU (the engine's LinearObjective), f32:
// one fused pass over X computes scores, per-row loss and g = s(p − y), and per-workgroup partial Xᵀg; a second
// kernel sums the partials; one readback per evaluate returns the loss and the whole gradient.
import type { DeviceMatrix, LinearObjective } from '../../../core/engine/engine';
import { packedParamCount } from '../../../core/engine/engine';
import { checkBinding, dispatch, pipelineFor, readF32, storageBuffer, uploadBuffer } from '../gpu/buffers';
import { isNarrow, narrowObjectiveWGSL, narrowRowsPerGroup, rowLossWGSL } from '../kernels/linear-narrow';

const THREADS = 256;
const LANES = 32; // one row per 32-lane group while scoring: 8 rows per sub-block
const SUB = THREADS / LANES;
export const MAX_OUTPUTS = 16; // per-thread accumulators grow with outputs; beyond this they would spill

/** 'wide': 32 lanes share a row (coalesced, for real activation widths); 'narrow': one thread per row. */
export type RowLayout = 'wide' | 'narrow';
export const layoutFor = (cols: number): RowLayout => (isNarrow(cols) ? 'narrow' : 'wide');

/** X [rows, cols] on the GPU as row chunks, each within maxStorageBufferBindingSize. */
export interface WgslMatrix extends DeviceMatrix {
  readonly chunks: ReadonlyArray<{ buffer: GPUBuffer; firstRow: number; rows: number }>;
}

export function uploadWgslMatrix(
  device: GPUDevice,
  data: Float32Array,
  rows: number,
  cols: number,
  maxChunkBytes = device.limits.maxStorageBufferBindingSize,
): WgslMatrix {
  if (data.length !== rows * cols) throw new Error(`invalid matrix: ${data.length} values for ${rows}×${cols}`);
  const per = Math.max(1, Math.floor(maxChunkBytes / (cols * 4)));
  const chunks: Array<{ buffer: GPUBuffer; firstRow: number; rows: number }> = [];
  for (let r = 0; r < rows; r += per) {
    const n = Math.min(per, rows - r);
    chunks.push({
      buffer: uploadBuffer(device, data.subarray(r * cols, (r + n) * cols), `X rows ${r}..${r + n}`),
      firstRow: r,
      rows: n,
    });
  }
  return { rows, cols, chunks, dispose: () => chunks.forEach((c) => c.buffer.destroy()) };
}

/** Pure: rows per workgroup, a multiple of the 8-row sub-block, aiming at ~1024 workgroups to fill a big GPU. */
export function rowsPerGroup(rows: number): number {
  return Math.max(SUB, Math.ceil(rows / 1024 / SUB) * SUB);
}

function fusedWGSL(o: { cols: number; K: number; rows: number; row0: number; rpw: number; wg0: number }): string {
  const { cols, K, rows, row0, rpw, wg0 } = o;
  const V = cols % 4 === 0 ? 4 : 1; // vec4 loads when rows stay 16-byte aligned
  const T = V === 4 ? 'vec4<f32>' : 'f32';
  const units = cols / V;
  const PC = Math.ceil(units / THREADS);
  const P = cols * K + K + 1; // partial layout per workgroup: ∂W [cols, K], ∂b [K], loss
  const dotW = (x: string, u: string, k: string) =>
    V === 4
      ? `dot(${x}, vec4<f32>(w[(${u} * 4u) * ${K}u + ${k}], w[(${u} * 4u + 1u) * ${K}u + ${k}], w[(${u} * 4u + 2u) * ${K}u + ${k}], w[(${u} * 4u + 3u) * ${K}u + ${k}]))`
      : `${x} * w[${u} * ${K}u + ${k}]`;
  const lossCode = rowLossWGSL(cols, K, (k) => `gS[grp * ${K}u + ${k}]`);
  return /* wgsl */ `// linear objective fused cols=${cols} K=${K} rows=${rows} row0=${row0} rpw=${rpw}
@group(0) @binding(0) var<storage, read> x: array<${T}>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> partials: array<f32>;
var<workgroup> red: array<f32, ${THREADS}>;
var<workgroup> gS: array<f32, ${SUB * K}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let grp = lid / ${LANES}u;
  let lane = lid % ${LANES}u;
  let rBegin = wg.x * ${rpw}u;
  let rEnd = min(${rows}u, rBegin + ${rpw}u);
  var acc: array<array<${T}, ${K}>, ${PC}>;
  var gb: array<f32, ${K}>;
  var loss = 0.0;
  for (var sb = rBegin; sb < rEnd; sb += ${SUB}u) {
    // 1. scores: each 32-lane group reduces one row's dot products with W (coalesced vec4 reads)
    let r = sb + grp;
    // Zeroed explicitly: some WGSL→SPIR-V paths initialize a loop-body var once, not per iteration.
    var zp: array<f32, ${K}>;
    var zs: array<f32, ${K}>;
    for (var k = 0u; k < ${K}u; k++) { zp[k] = 0.0; zs[k] = 0.0; }
    if (r < rEnd) {
      for (var u = lane; u < ${units}u; u += ${LANES}u) {
        let xv = x[r * ${units}u + u];
        for (var k = 0u; k < ${K}u; k++) { zp[k] += ${dotW('xv', 'u', 'k')}; }
      }
    }
    for (var k = 0u; k < ${K}u; k++) {
      red[lid] = zp[k];
      workgroupBarrier();
      if (lane == 0u) { var t = 0.0; for (var l = 0u; l < ${LANES}u; l++) { t += red[lid + l]; } zs[k] = t; }
      workgroupBarrier();
    }
    // 2. loss and g = s·(p − y) for the row, by the group's first lane
    if (lane == 0u) {
      if (r < rEnd) {
        let gr = ${row0}u + r;
        let s = weights[gr];
        ${lossCode}
      } else {
        for (var k = 0u; k < ${K}u; k++) { gS[grp * ${K}u + k] = 0.0; }
      }
    }
    workgroupBarrier();
    // 3. partial Xᵀg over the sub-block's rows (just read, so they come from cache)
    for (var j = 0u; j < ${SUB}u; j++) {
      let rr = sb + j;
      if (rr >= rEnd) { break; }
      for (var t = 0u; t < ${PC}u; t++) {
        let u = lid + t * ${THREADS}u;
        if (u < ${units}u) {
          let xv = x[rr * ${units}u + u];
          for (var k = 0u; k < ${K}u; k++) { acc[t][k] += xv * gS[j * ${K}u + k]; }
        }
      }
      if (lid < ${K}u) { gb[lid] += gS[j * ${K}u + lid]; }
    }
    workgroupBarrier();
  }
  let base = (${wg0}u + wg.x) * ${P}u;
  for (var t = 0u; t < ${PC}u; t++) {
    let u = lid + t * ${THREADS}u;
    if (u < ${units}u) {
      for (var k = 0u; k < ${K}u; k++) {
        ${
          V === 4
            ? `for (var i = 0u; i < 4u; i++) { partials[base + (u * 4u + i) * ${K}u + k] = acc[t][k][i]; }`
            : `partials[base + u * ${K}u + k] = acc[t][k];`
        }
      }
    }
  }
  if (lid < ${K}u) { partials[base + ${cols * K}u + lid] = gb[lid]; }
  // every group's lane 0 holds a share of the loss: gather them through shared memory
  red[lid] = select(0.0, loss, lane == 0u);
  workgroupBarrier();
  if (lid == 0u) { var t = 0.0; for (var l = 0u; l < ${THREADS}u; l += ${LANES}u) { t += red[l]; } partials[base + ${P - 1}u] = t; }
}`;
}

function reduceWGSL(P: number, groups: number): string {
  return /* wgsl */ `// linear objective reduce P=${P} groups=${groups}
@group(0) @binding(0) var<storage, read> partials: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= ${P}u) { return; }
  var s = 0.0;
  for (var g = 0u; g < ${groups}u; g++) { s += partials[g * ${P}u + j]; }
  out[j] = s;
}`;
}

/** Throws, naming the row, unless targets are per-row class codes in [0, classes) and row weights (if any) match. */
export function checkObjectiveInputs(
  rows: number,
  targets: Int32Array,
  classes: number,
  rowWeights?: Float32Array,
): void {
  if (targets.length !== rows) throw new Error(`invalid targets: length ${targets.length}, expected ${rows}`);
  for (let i = 0; i < rows; i++)
    if (!(targets[i] >= 0 && targets[i] < classes)) throw new Error(`invalid target at row ${i}: ${targets[i]}`);
  if (rowWeights && rowWeights.length !== rows)
    throw new Error(`invalid rowWeights: length ${rowWeights.length}, expected ${rows}`);
}

/**
 * The engine's LinearObjective on raw WGSL. x must come from uploadWgslMatrix on the same device.
 * outputs = 1: binary logistic (targets 0/1); outputs = K ≥ 2: multinomial (targets 0..K−1), K ≤ MAX_OUTPUTS.
 */
export function createWgslLinearObjective(
  device: GPUDevice,
  x: WgslMatrix,
  targets: Int32Array,
  outputs: number,
  rowWeights?: Float32Array,
  layout = layoutFor(x.cols),
): LinearObjective {
  const { rows, cols } = x;
  if (!(Number.isInteger(outputs) && outputs >= 1 && outputs <= MAX_OUTPUTS))
    throw new Error(`invalid outputs: ${outputs} (1..${MAX_OUTPUTS})`);
  checkObjectiveInputs(rows, targets, Math.max(2, outputs), rowWeights);
  const K = outputs,
    P = cols * K + K + 1,
    nParams = packedParamCount(cols, K);
  const rpwOf = layout === 'narrow' ? narrowRowsPerGroup : rowsPerGroup;
  const plan = x.chunks.map((c) => ({ ...c, rpw: rpwOf(c.rows), groups: 0, wg0: 0 }));
  let totalGroups = 0;
  for (const p of plan) {
    p.groups = Math.ceil(p.rows / p.rpw);
    p.wg0 = totalGroups;
    totalGroups += p.groups;
  }
  checkBinding(device, totalGroups * P * 4, 'linear objective partials');
  const tBuf = uploadBuffer(device, targets, 'targets');
  const wBuf = uploadBuffer(device, rowWeights ?? new Float32Array(rows).fill(1), 'row weights');
  const pBuf = storageBuffer(device, nParams, 'params');
  const partials = storageBuffer(device, totalGroups * P, 'partials');
  const out = storageBuffer(device, P, 'objective');
  const kernel = layout === 'narrow' ? narrowObjectiveWGSL : fusedWGSL;
  const fused = plan.map((p) =>
    pipelineFor(
      device,
      kernel({ cols, K, rows: p.rows, row0: p.firstRow, rpw: p.rpw, wg0: p.wg0 }),
      'linear objective',
    ),
  );
  const reduce = pipelineFor(device, reduceWGSL(P, totalGroups), 'linear objective reduce');
  return {
    rows,
    cols,
    outputs,
    async evaluate(params: Float32Array) {
      if (params.length !== nParams) throw new Error(`invalid params: length ${params.length}, expected ${nParams}`);
      device.queue.writeBuffer(pBuf, 0, params.buffer, params.byteOffset, params.byteLength);
      const enc = device.createCommandEncoder();
      plan.forEach((p, i) =>
        dispatch({ device, enc }, fused[i], [p.buffer, pBuf, tBuf, wBuf, partials], [p.groups], 'linear fused'),
      );
      dispatch({ device, enc }, reduce, [partials, out], [Math.ceil(P / THREADS)], 'linear reduce');
      device.queue.submit([enc.finish()]);
      const r = await readF32(device, out, P);
      return { loss: r[P - 1], grad: r.slice(0, P - 1) };
    },
    dispose() {
      for (const b of [tBuf, wBuf, pBuf, partials, out]) b.destroy();
    },
  };
}
