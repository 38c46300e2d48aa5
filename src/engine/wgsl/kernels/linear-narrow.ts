// Row-per-thread kernels for narrow matrices (at most NARROW_MAX_COLS columns): each thread scores a whole row,
// so scoring needs no barriers, and a workgroup's Xᵀg costs two barriers per NARROW_THREADS rows instead of
// several per 8 rows. On a real GPU the wide (32 lanes per row) layout and this one are both a few µs at these
// widths; on a software adapter (SwiftShader in CI, where every barrier switches all of a workgroup's threads)
// this layout is what lets a hyperparameter change on digits (64 columns) show a new metric within 250 ms.
// Wide matrices keep the 32-lane layout in linear-objective.ts / linear-scores.ts, which coalesces their rows.
import { workgroupSum } from '../gpu/workgroup-sum';

export const NARROW_MAX_COLS = 128;
export const NARROW_THREADS = 128;
const MAX_GROUPS = 1024;

export const isNarrow = (cols: number) => cols <= NARROW_MAX_COLS;

/** Pure: rows per workgroup, whole NARROW_THREADS blocks, at most ~1024 workgroups. */
export function narrowRowsPerGroup(rows: number): number {
  return NARROW_THREADS * Math.max(1, Math.ceil(rows / (NARROW_THREADS * MAX_GROUPS)));
}

/**
 * WGSL statements that, given the row's scores zs[0..K) without bias, add the bias, accumulate the row's weighted
 * loss into `loss`, and store g_k = s·(p_k − y) through `storeG(k)`. Needs `s` (row weight) and `gr` (global row).
 */
export function rowLossWGSL(cols: number, K: number, storeG: (k: string) => string): string {
  return K === 1
    ? `let z = zs[0] + w[${cols}u];
      let y = f32(targets[gr]);
      // softplus(z) − y·z, computed without overflow
      loss += s * (max(z, 0.0) + log(1.0 + exp(-abs(z))) - y * z);
      ${storeG('0u')} = s * (1.0 / (1.0 + exp(-z)) - y);`
    : `var mx = -3.4e38;
      for (var k = 0u; k < ${K}u; k++) { zs[k] += w[${cols * K}u + k]; mx = max(mx, zs[k]); }
      var se = 0.0;
      for (var k = 0u; k < ${K}u; k++) { se += exp(zs[k] - mx); }
      let y = u32(targets[gr]);
      loss += s * (mx + log(se) - zs[y]);
      for (var k = 0u; k < ${K}u; k++) { ${storeG('k')} = s * (exp(zs[k] - mx) / se - select(0.0, 1.0, k == y)); }`;
}

/**
 * Fused loss and per-workgroup partial gradient, same bindings and partials layout as the wide kernel:
 * per workgroup ∂W [cols, K] row-major, ∂b [K], then the loss.
 */
export function narrowObjectiveWGSL(o: {
  cols: number;
  K: number;
  rows: number;
  row0: number;
  rpw: number;
  wg0: number;
}): string {
  const { cols, K, rows, row0, rpw, wg0 } = o;
  const T = NARROW_THREADS;
  const P = cols * K + K + 1;
  const E = Math.ceil((P - 1) / T); // gradient entries each thread owns: e = lid + i·T ↦ (j, k) = (e / K, e % K)
  return /* wgsl */ `// linear objective narrow cols=${cols} K=${K} rows=${rows} row0=${row0} rpw=${rpw}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<i32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> partials: array<f32>;
var<workgroup> gS: array<f32, ${T * K}>;
var<workgroup> red: array<f32, ${T}>;
@compute @workgroup_size(${T})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let rBegin = wg.x * ${rpw}u;
  let rEnd = min(${rows}u, rBegin + ${rpw}u);
  var acc: array<f32, ${E}>;
  for (var i = 0u; i < ${E}u; i++) { acc[i] = 0.0; }
  var loss = 0.0;
  // rEnd depends only on the workgroup id, so the barriers below stay in uniform control flow.
  for (var sb = rBegin; sb < rEnd; sb += ${T}u) {
    let r = sb + lid;
    if (r < rEnd) {
      var zs: array<f32, ${K}>;
      for (var k = 0u; k < ${K}u; k++) { zs[k] = 0.0; }
      for (var c = 0u; c < ${cols}u; c++) {
        let xv = x[r * ${cols}u + c];
        for (var k = 0u; k < ${K}u; k++) { zs[k] += xv * w[c * ${K}u + k]; }
      }
      let gr = ${row0}u + r;
      let s = weights[gr];
      ${rowLossWGSL(cols, K, (k) => `gS[lid * ${K}u + ${k}]`)}
    } else {
      for (var k = 0u; k < ${K}u; k++) { gS[lid * ${K}u + k] = 0.0; }
    }
    workgroupBarrier();
    let nb = min(${T}u, rEnd - sb);
    for (var i = 0u; i < ${E}u; i++) {
      let e = lid + i * ${T}u;
      if (e < ${P - 1}u) {
        let j = e / ${K}u;
        let k = e % ${K}u;
        var a = 0.0;
        if (j < ${cols}u) {
          for (var t = 0u; t < nb; t++) { a += x[(sb + t) * ${cols}u + j] * gS[t * ${K}u + k]; }
        } else {
          for (var t = 0u; t < nb; t++) { a += gS[t * ${K}u + k]; }
        }
        acc[i] += a;
      }
    }
    workgroupBarrier();
  }
  let base = (${wg0}u + wg.x) * ${P}u;
  for (var i = 0u; i < ${E}u; i++) {
    let e = lid + i * ${T}u;
    if (e < ${P - 1}u) { partials[base + e] = acc[i]; }
  }
  ${workgroupSum('loss', T)}
  if (lid == 0u) { partials[base + ${P - 1}u] = red[0]; }
}`;
}

/** Pure: workgroups for a narrow scores dispatch, within the 65,535 a dimension is guaranteed to allow. */
export function narrowScoreGroups(rows: number): number {
  return Math.min(65535, Math.ceil(rows / NARROW_THREADS));
}

/** z = X W + b, one thread per row, outputs in blocks of `block` so the accumulators stay in registers. */
export function narrowScoresWGSL(
  cols: number,
  K: number,
  rows: number,
  groups: number,
  blocks: Array<[number, number]>,
): string {
  const T = NARROW_THREADS;
  const pass = ([k0, kb]: [number, number]) => /* wgsl */ `
    {
      var zp: array<f32, ${kb}>;
      for (var k = 0u; k < ${kb}u; k++) { zp[k] = w[${cols * K + k0}u + k]; }
      for (var c = 0u; c < ${cols}u; c++) {
        let xv = x[r * ${cols}u + c];
        for (var k = 0u; k < ${kb}u; k++) { zp[k] += xv * w[c * ${K}u + ${k0}u + k]; }
      }
      for (var k = 0u; k < ${kb}u; k++) { z[r * ${K}u + ${k0}u + k] = zp[k]; }
    }`;
  return /* wgsl */ `// linear scores narrow cols=${cols} K=${K} rows=${rows}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> z: array<f32>;
@compute @workgroup_size(${T})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  // A grid-stride loop: a chunk may hold more rows than one dispatch dimension has threads.
  for (var r = gid.x; r < ${rows}u; r += ${groups * T}u) {${blocks.map(pass).join('')}
  }
}`;
}
