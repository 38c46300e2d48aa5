// Tiled, register-blocked f32 matmul C = op(A)·op(B) in the transpose combinations the SAE backward needs,
// with fused epilogues (bias, ReLU, masks, row-scaled adds), accumulation and split-K. One program per shape.
// Batched: one dispatch of `count` products A·B_z sharing A (a sweep's members of one shape on one batch: one wide
// encoder matmul), each z its own B, bias and output slab, and A optionally centred per z on load.
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';

export type Epilogue =
  | { kind: 'none' }
  /** C = v + bias[col], optionally ReLU'd; aux[0] = bias[N]. */
  | { kind: 'bias'; relu: boolean }
  /** In place: C = C_old > 0 ? v + colAdd[col] : 0 (ReLU backward with a per-column term); aux[0] = colAdd[N]. */
  | { kind: 'maskAddCol' }
  /** C = v + rowScale[row]·D[row, col]; aux[0] = rowScale[M], aux[1] = D[M, N]. */
  | { kind: 'addRowScaled' }
  /**
   * JumpReLU backward from v = ∂L/∂f, in place: C = C_old > 0 ? v : 0 (the gate, since θ > 0), and
   * P[row, col] ← K·(v·(−θ/ε) − λ/(B·ε)) with K = 1{|P − θ| < ε/2}, the rectangle straight-through estimate of
   * ∂L/∂θ per element (column sums give ∂L/∂θ). aux[0] = P [M, N] (pre-activations, overwritten),
   * aux[1] = log θ [N], aux[2] = [λ/B, ε].
   */
  | { kind: 'jumpBackward' };

export interface MatmulSpec {
  M: number;
  N: number;
  K: number;
  /** A is stored [K, M] (so op(A) = Aᵀ) instead of [M, K]. */
  transA: boolean;
  /** B is stored [N, K] (so op(B) = Bᵀ) instead of [K, N]. */
  transB: boolean;
  epilogue?: Epilogue;
  /** C += result instead of C = result (gradient accumulation over batch chunks). */
  accumulate?: boolean;
  /** Split K over this many workgroup layers, each writing its own [M, N] slab of C (reduce afterwards). */
  splitK?: number;
  /** Output tile edge; default picks 128 when there are enough tiles to fill a big GPU. */
  tile?: 64 | 128;
  /**
   * `count` products in one dispatch (workgroup z = product; no split-K): B holds count [K, N] matrices back to
   * back, C count [M, N] slabs, a 'bias' epilogue count [N] biases. `centre`: A's element (r, k) is taken as
   * A[r, k] − ctr[z, k] (ctr [count, K], the binding after the epilogue's), the very f32 subtraction a separate
   * centring pass would store, so each product's elements equal its own matmul's on the centred A bit for bit.
   */
  batch?: { count: number; centre: boolean };
}

export interface MatmulGeometry {
  BM: number;
  BN: number;
  BK: number;
  /** K range per split, a multiple of BK. */
  kPerSplit: number;
  splits: number;
  /** Every dimension is a multiple of 4, so global loads and stores are vec4. */
  vec4: boolean;
  groups: [number, number, number];
}

const THREADS = 256; // 16×16 threads; each owns a (BM/16)×(BN/16) block of C

/** Pure dispatch geometry for a spec under the device's workgroup-storage and grid limits. */
export function matmulGeometry(
  spec: MatmulSpec,
  limits: Pick<GPUSupportedLimits, 'maxComputeWorkgroupStorageSize' | 'maxComputeWorkgroupsPerDimension'>,
): MatmulGeometry {
  const { M, N, K } = spec;
  if (!(M > 0 && N > 0 && K > 0) || ![M, N, K].every(Number.isInteger))
    throw new Error(`invalid matmul shape: ${M}×${K}·${K}×${N}`);
  let tile = spec.tile ?? (Math.ceil(M / 128) * Math.ceil(N / 128) >= 128 ? 128 : 64);
  const storage = limits.maxComputeWorkgroupStorageSize;
  // BK = 16 halves the barriers per FLOP; each thread must load at least one vec4 per operand per tile,
  // so BK ≥ 4·256/tile (8 at 128-wide tiles, 16 at 64-wide ones).
  const bkFor = (t: number) => [16, 8].find((bk) => bk * t >= 4 * THREADS && 2 * bk * t * 4 <= storage);
  if (bkFor(tile) === undefined) tile = 64;
  const BK = bkFor(tile);
  if (BK === undefined) throw new Error(`matmul: maxComputeWorkgroupStorageSize ${storage} < 8192`);
  const BM = tile,
    BN = tile;
  if (spec.batch && (spec.splitK ?? 1) > 1) throw new Error('matmul: a batched product has no split-K');
  if (spec.batch && (spec.transA || !(spec.batch.count >= 1)))
    throw new Error('matmul: a batched product needs A stored [M, K] and count ≥ 1');
  const splits = Math.max(1, Math.min(spec.splitK ?? 1, Math.ceil(K / BK)));
  const kPerSplit = Math.ceil(Math.ceil(K / splits) / BK) * BK;
  const groups: [number, number, number] = [
    Math.ceil(N / BN),
    Math.ceil(M / BM),
    spec.batch ? spec.batch.count : Math.ceil(K / kPerSplit),
  ];
  if (groups.some((g) => g > limits.maxComputeWorkgroupsPerDimension))
    throw new Error(`matmul grid ${groups} exceeds maxComputeWorkgroupsPerDimension`);
  return { BM, BN, BK, kPerSplit, splits, vec4: M % 4 === 0 && N % 4 === 0 && K % 4 === 0, groups };
}

export function matmulFlops(spec: Pick<MatmulSpec, 'M' | 'N' | 'K'>): number {
  return 2 * spec.M * spec.N * spec.K;
}

/** `bias`: the bias element's index expression (a batched product offsets it by its z). */
function epilogueCode(e: Epilogue, N: number, bias = 'col'): { decl: string; body: string; needsOld: boolean } {
  switch (e.kind) {
    case 'none':
      return { decl: '', body: 'return v;', needsOld: false };
    case 'bias':
      return {
        decl: '@group(0) @binding(3) var<storage, read> aux0: array<f32>;',
        body: e.relu ? `return max(v + aux0[${bias}], 0.0);` : `return v + aux0[${bias}];`,
        needsOld: false,
      };
    case 'maskAddCol':
      return {
        decl: '@group(0) @binding(3) var<storage, read> aux0: array<f32>;',
        body: 'return select(0.0, v + aux0[col], old > 0.0);',
        needsOld: true,
      };
    case 'addRowScaled':
      return {
        decl: '@group(0) @binding(3) var<storage, read> aux0: array<f32>;\n@group(0) @binding(4) var<storage, read> aux1: array<f32>;',
        body: `return v + aux0[row] * aux1[row * ${N}u + col];`,
        needsOld: false,
      };
    case 'jumpBackward':
      return {
        decl: '@group(0) @binding(3) var<storage, read_write> aux0: array<f32>;\n@group(0) @binding(4) var<storage, read> aux1: array<f32>;\n@group(0) @binding(5) var<storage, read> aux2: array<f32>;',
        body: `let theta = exp(aux1[col]);
  let eps = aux2[1];
  let p = row * ${N}u + col;
  let inWindow = abs(aux0[p] - theta) < 0.5 * eps;
  aux0[p] = select(0.0, (v * -theta - aux2[0]) / eps, inWindow);
  return select(0.0, v, old > 0.0);`,
        needsOld: true,
      };
  }
}

/**
 * WGSL statements setting `dst` to one load unit: 4 consecutive elements of a stored row-major matrix with
 * `storedCols` columns, at stored (r, c..c+3). Out-of-range elements are 0; the guard is a branch, not a
 * select, so nothing out of bounds is ever read even with Dawn's robustness turned off.
 */
function loadUnit(
  dst: string,
  buf: string,
  vec: boolean,
  storedCols: string,
  r: string,
  c: string,
  rValid: string,
  cLimit: string,
  base = '0u',
  centre?: { buf: string; base: string },
): string {
  // A centred operand subtracts ctr at the same column, only where the element exists (padding stays exactly 0).
  if (vec) {
    const sub = centre ? ` - ${centre.buf}[(${centre.base} + ${c}) / 4u]` : '';
    return `${dst} = vec4<f32>(0.0); if (${rValid} && ${c} < ${cLimit}) { ${dst} = ${buf}[(${base} + (${r}) * ${storedCols} + ${c}) / 4u]${sub}; }`;
  }
  const sub = centre ? ` - ${centre.buf}[${centre.base} + ${c} + j]` : '';
  return `${dst} = vec4<f32>(0.0); if (${rValid}) { for (var j = 0u; j < 4u; j++) { if (${c} + j < ${cLimit}) { ${dst}[j] = ${buf}[${base} + (${r}) * ${storedCols} + ${c} + j]${sub}; } } }`;
}

export function matmulWGSL(spec: MatmulSpec, g: MatmulGeometry): string {
  const { M, N, K, transA, transB } = spec;
  const { BM, BN, BK, kPerSplit, vec4 } = g;
  const batch = spec.batch;
  if (batch && spec.epilogue && spec.epilogue.kind !== 'none' && spec.epilogue.kind !== 'bias')
    throw new Error(`matmul: a batched product takes no '${spec.epilogue.kind}' epilogue`);
  const epi = epilogueCode(spec.epilogue ?? { kind: 'none' }, N, batch ? `wg_z * ${N}u + col` : 'col');
  const auxCount = spec.epilogue?.kind === 'bias' ? 1 : 0;
  const acc = spec.accumulate === true;
  const needsOld = epi.needsOld || acc;
  const RG = BM / 64,
    CG = BN / 64; // row/column groups of 4, 64 apart: conflict-free vec4 reads of shared tiles
  const T = vec4 ? 'vec4<f32>' : 'f32';
  const unitsA = (BM * BK) / 4 / THREADS,
    unitsB = (BN * BK) / 4 / THREADS;

  // Each operand tile is stored in shared memory k-major ([BK][BM/4] vec4), so the inner loop reads
  // 4 consecutive rows (or columns) of op(A) (op(B)) as one vec4.
  // Operand stored with the tile's M (N) dimension contiguous: units run along M (N) and store straight.
  // Operand stored with K contiguous: units run along K and are transposed into shared memory.
  const loadA = (slot: number) => {
    const v = `(lid + ${slot * THREADS}u)`;
    if (transA) {
      // A stored [K, M]
      return `{ let kk = ${v} / ${BM / 4}u; let mm = (${v} % ${BM / 4}u) * 4u;
        ${loadUnit(`ra${slot}`, 'A', vec4, `${M}u`, 'k0 + kk', 'm0 + mm', 'k0 + kk < kEnd', `${M}u`)} }`;
    }
    const centre = batch?.centre ? { buf: 'ctr', base: `wg.z * ${K}u` } : undefined;
    return `{ let mm = ${v} / ${BK / 4}u; let kk = (${v} % ${BK / 4}u) * 4u;
        ${loadUnit(`ra${slot}`, 'A', vec4, `${K}u`, 'm0 + mm', 'k0 + kk', `m0 + mm < ${M}u`, 'kEnd', '0u', centre)} }`;
  };
  const storeA = (slot: number) => {
    const v = `(lid + ${slot * THREADS}u)`;
    if (transA) return `As[${v}] = ra${slot};`;
    return `{ let mm = ${v} / ${BK / 4}u; let kk = (${v} % ${BK / 4}u) * 4u;
        for (var c = 0u; c < 4u; c++) { As[(kk + c) * ${BM / 4}u + mm / 4u][mm % 4u] = ra${slot}[c]; } }`;
  };
  // A batched product's B_z starts z·K·N elements in (a multiple of 4 whenever loads are vec4).
  const bBase = batch ? `wg.z * ${K * N}u` : '0u';
  const loadB = (slot: number) => {
    const v = `(lid + ${slot * THREADS}u)`;
    if (!transB) {
      // B stored [K, N]
      return `{ let kk = ${v} / ${BN / 4}u; let nn = (${v} % ${BN / 4}u) * 4u;
        ${loadUnit(`rb${slot}`, 'Bm', vec4, `${N}u`, 'k0 + kk', 'n0 + nn', 'k0 + kk < kEnd', `${N}u`, bBase)} }`;
    }
    return `{ let nn = ${v} / ${BK / 4}u; let kk = (${v} % ${BK / 4}u) * 4u;
        ${loadUnit(`rb${slot}`, 'Bm', vec4, `${K}u`, 'n0 + nn', 'k0 + kk', `n0 + nn < ${N}u`, 'kEnd', bBase)} }`;
  };
  const storeB = (slot: number) => {
    const v = `(lid + ${slot * THREADS}u)`;
    if (!transB) return `Bs[${v}] = rb${slot};`;
    return `{ let nn = ${v} / ${BK / 4}u; let kk = (${v} % ${BK / 4}u) * 4u;
        for (var c = 0u; c < 4u; c++) { Bs[(kk + c) * ${BN / 4}u + nn / 4u][nn % 4u] = rb${slot}[c]; } }`;
  };
  const range = (n: number) => [...Array(n).keys()];
  const regs = [
    ...range(unitsA).map((s) => `var ra${s}: vec4<f32>;`),
    ...range(unitsB).map((s) => `var rb${s}: vec4<f32>;`),
  ].join(' ');
  const loadAll = [...range(unitsA).map(loadA), ...range(unitsB).map(loadB)].join('\n    ');
  const storeAll = [...range(unitsA).map(storeA), ...range(unitsB).map(storeB)].join('\n    ');

  const inner: string[] = [];
  for (let r = 0; r < RG; r++) inner.push(`let a${r} = As[k * ${BM / 4}u + ${r * 16}u + ty];`);
  for (let c = 0; c < CG; c++) inner.push(`let b${c} = Bs[k * ${BN / 4}u + ${c * 16}u + tx];`);
  for (let r = 0; r < RG; r++)
    for (let i = 0; i < 4; i++)
      for (let c = 0; c < CG; c++) {
        const a = `acc[${(r * 4 + i) * CG + c}]`;
        inner.push(`${a} = fma(vec4<f32>(a${r}.${'xyzw'[i]}), b${c}, ${a});`);
      }

  const writes: string[] = [];
  for (let r = 0; r < RG; r++)
    for (let i = 0; i < 4; i++)
      for (let c = 0; c < CG; c++) {
        const row = `m0 + ${r * 64 + i}u + ty * 4u`,
          col = `n0 + ${c * 64}u + tx * 4u`;
        writes.push(`store(${row}, ${col}, acc[${(r * 4 + i) * CG + c}], cOff);`);
      }

  const storeFn = vec4
    ? `fn store(row: u32, col: u32, v: vec4<f32>, cOff: u32) {
  if (row >= ${M}u || col >= ${N}u) { return; }
  let idx = (cOff + row * ${N}u + col) / 4u;
  ${needsOld ? 'let old = C[idx];' : 'let old = vec4<f32>(0.0);'}
  var o = vec4<f32>(epi(v.x, row, col, old.x), epi(v.y, row, col + 1u, old.y), epi(v.z, row, col + 2u, old.z), epi(v.w, row, col + 3u, old.w));
  ${acc ? 'o = o + old;' : ''}
  C[idx] = o;
}`
    : `fn store(row: u32, col: u32, v: vec4<f32>, cOff: u32) {
  if (row >= ${M}u) { return; }
  for (var j = 0u; j < 4u; j++) {
    if (col + j >= ${N}u) { return; }
    let idx = cOff + row * ${N}u + col + j;
    ${needsOld ? 'let old = C[idx];' : 'let old = 0.0;'}
    C[idx] = epi(v[j], row, col + j, old)${acc ? ' + old' : ''};
  }
}`;

  return /* wgsl */ `// matmul ${M}x${K} . ${K}x${N} transA=${transA} transB=${transB} tile=${BM}x${BN}x${BK} vec4=${vec4}${batch ? ` batch=${batch.count}${batch.centre ? ' centred' : ''}` : ''}
@group(0) @binding(0) var<storage, read> A: array<${T}>;
@group(0) @binding(1) var<storage, read> Bm: array<${T}>;
@group(0) @binding(2) var<storage, read_write> C: array<${T}>;
${epi.decl}
${batch?.centre ? `@group(0) @binding(${3 + auxCount}) var<storage, read> ctr: array<${T}>;` : ''}
${batch ? 'var<private> wg_z: u32;' : ''}
var<workgroup> As: array<vec4<f32>, ${(BK * BM) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(BK * BN) / 4}>;

fn epi(v: f32, row: u32, col: u32, old: f32) -> f32 { ${epi.body} }

${storeFn}

@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let tx = lid % 16u;
  let ty = lid / 16u;
  let m0 = wg.y * ${BM}u;
  let n0 = wg.x * ${BN}u;
  ${batch ? 'wg_z = wg.z;' : ''}
  let kBegin = ${batch ? '0u' : `wg.z * ${kPerSplit}u`};
  let kEnd = min(${K}u, kBegin + ${kPerSplit}u);
  let cOff = wg.z * ${M * N}u;
  var acc: array<vec4<f32>, ${RG * 4 * CG}>;
  ${regs}
  var k0 = kBegin;
  ${loadAll}
  ${storeAll}
  workgroupBarrier();
  loop {
    let kNext = k0 + ${BK}u;
    k0 = kNext;
    // Prefetch the next tile into registers while this one is multiplied out of shared memory.
    if (kNext < kEnd) {
    ${loadAll}
    }
    for (var k = 0u; k < ${BK}u; k++) {
      ${inner.join('\n      ')}
    }
    if (kNext >= kEnd) { break; }
    workgroupBarrier();
    ${storeAll}
    workgroupBarrier();
  }
  ${writes.join('\n  ')}
}
`;
}

/** Encodes C = op(A)·op(B) (+ epilogue). Bindings may be sub-ranges of larger buffers. */
export function encodeMatmul(
  ctx: Enc,
  spec: MatmulSpec,
  a: Binding,
  b: Binding,
  c: Binding,
  aux: Binding[] = [],
  name = 'matmul',
): MatmulGeometry {
  const g = matmulGeometry(spec, ctx.device.limits);
  const pipeline = pipelineFor(ctx.device, matmulWGSL(spec, g), name);
  dispatch(ctx, pipeline, [a, b, c, ...aux], g.groups, name);
  return g;
}
