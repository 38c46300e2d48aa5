// The update half of a training step as the trainer drives it: the global gradient norm reduced on the device,
// then one Adam over all parameters that clips by that norm and skips itself when the norm is not finite, so a
// step needs no host round trip between gradients and update (the host reads the norm afterwards).
import { flatIndex } from '../gpu/grid';
import { dispatch, pipelineFor, type Enc } from '../gpu/buffers';
import { adamGrid, adamUpdateWGSL, type AdamHyper } from './adam';
import { workgroupSum } from '../gpu/workgroup-sum';

const THREADS = 256;
/** Partial sums of the first reduction stage; the second stage is one workgroup over these. */
export const NORM_PARTIALS = 256;

function partialWgsl(n4: number): string {
  return /* wgsl */ `// sumsq partial n4=${n4}
@group(0) @binding(0) var<storage, read> g: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> part: array<f32>;
var<workgroup> red: array<f32, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = wg.x * ${THREADS}u + lid; i < ${n4}u; i += ${NORM_PARTIALS * THREADS}u) { let v = g[i]; s += dot(v, v); }
  ${workgroupSum('s', THREADS)}
  if (lid == 0u) { part[wg.x] = red[0]; }
}`;
}

const finalWgsl = /* wgsl */ `// sumsq final
@group(0) @binding(0) var<storage, read> part: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
var<workgroup> red: array<f32, ${NORM_PARTIALS}>;
@compute @workgroup_size(${NORM_PARTIALS})
fn main(@builtin(local_invocation_index) lid: u32) {
  ${workgroupSum('part[lid]', NORM_PARTIALS)}
  if (lid == 0u) { out[0] = red[0]; }
}`;

/** out[0] = Σ g² over n floats (n a multiple of 4); `partials` holds NORM_PARTIALS floats. */
export function encodeSumSquares(
  ctx: Enc,
  g: GPUBuffer,
  n: number,
  partials: GPUBuffer,
  out: GPUBuffer,
  name = 'grad norm',
): void {
  if (n % 4 !== 0) throw new Error(`invalid sum-of-squares length: ${n} (must be a multiple of 4)`);
  dispatch(
    ctx,
    pipelineFor(ctx.device, partialWgsl(n / 4), `${name} partial`),
    [{ buffer: g, size: n * 4 }, partials],
    [NORM_PARTIALS],
    `${name} partial`,
  );
  dispatch(ctx, pipelineFor(ctx.device, finalWgsl, `${name} final`), [partials, out], [1], `${name} final`);
}

/** Uniform words: lr, β1, β2, ε, 1/(1−β1ᵗ), 1/(1−β2ᵗ), clip (< 0: off). Bias corrections in f64 on the host. */
export function gatedAdamUniforms(h: AdamHyper, t: number, clip: number | null): Float32Array<ArrayBuffer> {
  return new Float32Array([
    h.lr,
    h.beta1,
    h.beta2,
    h.eps,
    1 / (1 - h.beta1 ** t),
    1 / (1 - h.beta2 ** t),
    clip ?? -1,
    0,
  ]);
}

function adamWgsl(n: number, gridX: number): string {
  return /* wgsl */ `// gated adam n=${n}
struct H { lr: f32, b1: f32, b2: f32, eps: f32, c1: f32, c2: f32, clip: f32, pad: f32 }
@group(0) @binding(0) var<storage, read_write> p: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> g: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> m: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> v: array<vec4<f32>>;
@group(0) @binding(4) var<uniform> h: H;
@group(0) @binding(5) var<storage, read> normSq: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = ${flatIndex(gridX, THREADS)};
  if (i >= ${n / 4}u) { return; }
  // Exponent bits all ones = Inf or NaN: tested on the bits, since compilers may fold isnan-style comparisons away.
  let n2 = normSq[0];
  if ((bitcast<u32>(n2) & 0x7f800000u) == 0x7f800000u) { return; }
  let gn = sqrt(n2);
  let sc = select(1.0, h.clip / gn, h.clip >= 0.0 && gn > h.clip);
  ${adamUpdateWGSL('g[i] * sc')}
}`;
}

/** Adam over n packed floats with g scaled by min(1, clip/‖g‖); a no-op when ‖g‖² (normSq[0]) is Inf or NaN. */
export function encodeGatedAdam(
  ctx: Enc,
  n: number,
  params: GPUBuffer,
  grads: GPUBuffer,
  m: GPUBuffer,
  v: GPUBuffer,
  hyper: GPUBuffer,
  normSq: GPUBuffer,
  name = 'gated adam',
): void {
  if (n % 4 !== 0) throw new Error(`invalid adam length: ${n} (must be a multiple of 4)`);
  const grid = adamGrid(n, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  const bind = (b: GPUBuffer) => ({ buffer: b, size: n * 4 });
  dispatch(
    ctx,
    pipelineFor(ctx.device, adamWgsl(n, grid[0]), name),
    [bind(params), bind(grads), bind(m), bind(v), hyper, normSq],
    grid,
    name,
  );
}
