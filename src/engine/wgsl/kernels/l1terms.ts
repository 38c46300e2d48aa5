// Per-latent terms of the decoder-norm-weighted L1 penalty λ(1/B)Σ_b Σ_i f_bi‖W_dec,i‖ and its gradients:
// ∂/∂W_dec,i = (λ/B)(Σ_b f_bi) W_dec,i/‖W_dec,i‖ (row scale) and ∂/∂f_bi = (λ/B)‖W_dec,i‖ (column add).
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';

const THREADS = 256;

/** hyper: uniform buffer whose first f32 is λ/B (a uniform so λ can change between steps without recompiling). */
export function encodeL1Terms(
  ctx: Enc,
  colF: Binding,
  norms: Binding,
  hyper: GPUBuffer,
  rowScale: Binding,
  colAdd: Binding,
  colFTotal: Binding,
  m: number,
  accumulate: boolean,
  name = 'l1terms',
): void {
  const code = /* wgsl */ `// l1terms m=${m}
@group(0) @binding(0) var<storage, read> colF: array<f32>;
@group(0) @binding(1) var<storage, read> norms: array<f32>;
@group(0) @binding(2) var<uniform> h: vec4<f32>;
@group(0) @binding(3) var<storage, read_write> rowScale: array<f32>;
@group(0) @binding(4) var<storage, read_write> colAdd: array<f32>;
@group(0) @binding(5) var<storage, read_write> colFTotal: array<f32>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= ${m}u) { return; }
  let n = norms[i];
  let lam = h.x;
  // A zero decoder row has no direction: its penalty gradient is 0, not NaN.
  rowScale[i] = select(0.0, lam * colF[i] / n, n > 0.0);
  colAdd[i] = lam * n;
  colFTotal[i] = ${accumulate ? 'colFTotal[i] + ' : ''}colF[i];
}`;
  dispatch(
    ctx,
    pipelineFor(ctx.device, code, name),
    [colF, norms, hyper, rowScale, colAdd, colFTotal],
    [Math.ceil(m / THREADS)],
    name,
  );
}
