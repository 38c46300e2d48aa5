// JumpReLU's two elementwise pieces around the dense step's matmuls: the threshold gate f = pre·1{pre > max(θ, 0)}
// (per latent; θ = exp(log θ) when training JumpReLU, or given as is: BatchTopK's estimate at inference), and
// ∂L/∂log θ = θ·∂L/∂θ from the column sums of the straight-through terms that the g_pre matmul's 'jumpBackward'
// epilogue leaves in the pre-activation buffer.
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';
import { flatGrid, flatIndex } from '../gpu/grid';

const THREADS = 256;

/**
 * f[r, i] = pre[r, i] > max(θ_i, 0) ? pre[r, i] : 0 for an [R, m] chunk (core/sae/architecture.ts 'threshold'),
 * with θ_i = exp(theta[i]) when `log` (JumpReLU's trained log θ), else theta[i].
 */
export function encodeThresholdGate(
  ctx: Enc,
  pre: Binding,
  theta: Binding,
  f: Binding,
  R: number,
  m: number,
  log: boolean,
  name = 'threshold gate',
): void {
  const g = flatGrid(R * m, THREADS, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  const code = /* wgsl */ `// threshold gate ${R}x${m} log=${log}
@group(0) @binding(0) var<storage, read> pre: array<f32>;
@group(0) @binding(1) var<storage, read> theta: array<f32>;
@group(0) @binding(2) var<storage, read_write> f: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = ${flatIndex(g[0], THREADS)};
  if (i >= ${R * m}u) { return; }
  let p = pre[i];
  let t = theta[i % ${m}u];
  f[i] = select(0.0, p, p > max(${log ? 'exp(t)' : 't'}, 0.0));
}`;
  dispatch(ctx, pipelineFor(ctx.device, code, name), [pre, theta, f], g, name);
}

/** grad[i] (+)= dTheta[i]·θ_i: the chain rule through θ = exp(log θ). */
export function encodeLogThetaGrad(
  ctx: Enc,
  dTheta: Binding,
  logTheta: Binding,
  grad: Binding,
  m: number,
  accumulate: boolean,
  name = 'log θ grad',
): void {
  const g = flatGrid(m, THREADS, ctx.device.limits.maxComputeWorkgroupsPerDimension);
  const code = /* wgsl */ `// log theta grad ${m} acc=${accumulate}
@group(0) @binding(0) var<storage, read> dTheta: array<f32>;
@group(0) @binding(1) var<storage, read> logTheta: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = ${flatIndex(g[0], THREADS)};
  if (i >= ${m}u) { return; }
  grad[i] = ${accumulate ? 'grad[i] + ' : ''}dTheta[i] * exp(logTheta[i]);
}`;
  dispatch(ctx, pipelineFor(ctx.device, code, name), [dTheta, logTheta, grad], g, name);
}
