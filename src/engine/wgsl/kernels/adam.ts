// Fused Adam over every parameter of a model in one dispatch: params, grads and both moments live packed in
// four buffers with the same layout, so one elementwise pass updates them all.
import { flatGrid, flatIndex } from '../gpu/grid';
import { dispatch, pipelineFor, type Enc } from '../gpu/buffers';

const THREADS = 256;

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** Uniform words: lr, beta1, beta2, eps, 1/(1−β1ᵗ), 1/(1−β2ᵗ) — bias corrections folded on the host in f64. */
export function adamUniforms(h: AdamHyper, t: number): Float32Array<ArrayBuffer> {
  return new Float32Array([h.lr, h.beta1, h.beta2, h.eps, 1 / (1 - h.beta1 ** t), 1 / (1 - h.beta2 ** t), 0, 0]);
}

/** Pure: a 2-D grid of `THREADS`-wide groups covering n elements, each thread doing 4 (one vec4). */
export function adamGrid(n: number, maxPerDim = 65535): [number, number] {
  return flatGrid(Math.ceil(n / 4), THREADS, maxPerDim);
}

/**
 * WGSL: one Adam update of element i (vec4) from gradient expression `grad`, bias corrections c1, c2 in the
 * uniform h; the plain and the gated (clipped, norm-guarded) Adam share it.
 */
export function adamUpdateWGSL(grad: string): string {
  return `let gi = ${grad};
  let mi = h.b1 * m[i] + (1.0 - h.b1) * gi;
  let vi = h.b2 * v[i] + (1.0 - h.b2) * gi * gi;
  m[i] = mi;
  v[i] = vi;
  p[i] -= h.lr * (mi * h.c1) / (sqrt(vi * h.c2) + h.eps);`;
}

function wgsl(n: number, gridX: number): string {
  return /* wgsl */ `// adam n=${n}
struct H { lr: f32, b1: f32, b2: f32, eps: f32, c1: f32, c2: f32 }
@group(0) @binding(0) var<storage, read_write> p: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> g: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> m: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> v: array<vec4<f32>>;
@group(0) @binding(4) var<uniform> h: H;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = ${flatIndex(gridX, THREADS)};
  if (i >= ${n / 4}u) { return; }
  ${adamUpdateWGSL('g[i]')}
}`;
}

/** Pure: [offset, length] ranges of at most maxBindingBytes each, offsets 256-byte aligned (64 floats). */
export function adamChunks(n: number, maxBindingBytes: number): Array<[number, number]> {
  const per = Math.floor(maxBindingBytes / 4 / 64) * 64;
  const out: Array<[number, number]> = [];
  for (let o = 0; o < n; o += per) out.push([o, Math.min(per, n - o)]);
  return out;
}

/** One Adam step over n packed floats (n a multiple of 4), chunked so no binding exceeds the device limit. */
export function encodeAdam(
  ctx: Enc,
  n: number,
  params: GPUBuffer,
  grads: GPUBuffer,
  m: GPUBuffer,
  v: GPUBuffer,
  hyper: GPUBuffer,
  name = 'adam',
): void {
  if (n % 4 !== 0) throw new Error(`invalid adam length: ${n} (must be a multiple of 4)`);
  for (const [o, len] of adamChunks(n, ctx.device.limits.maxStorageBufferBindingSize)) {
    const grid = adamGrid(len, ctx.device.limits.maxComputeWorkgroupsPerDimension);
    const bind = (b: GPUBuffer) => ({ buffer: b, offset: o * 4, size: len * 4 });
    dispatch(
      ctx,
      pipelineFor(ctx.device, wgsl(len, grid[0]), name),
      [bind(params), bind(grads), bind(m), bind(v), hyper],
      grid,
      name,
    );
  }
}
