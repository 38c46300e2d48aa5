// AuxK's normaliser on the device: from the main pass's per-row ‖x̂ − x‖² (whole batch) and the column sums of
// g = (2/B)(x̂ − x), V = Σ‖e − ē‖² = Σ_b‖e_b‖² − ‖Σ_b e_b‖²/B = Σ rowErr − (B/4)·‖Σ_b g_b‖², and the gradient
// scale s = 2α/V that encodeAuxDecode reads (0 when V ≤ 0: nothing to explain, as the f64 reference says).
// auxScale = [s, V, α, unused]; the host writes α before the step and reads V back for the loss.
import { dispatch, pipelineFor, type Binding, type Enc } from '../gpu/buffers';
import { workgroupSum } from '../gpu/workgroup-sum';

const THREADS = 256;

function wgsl(batch: number, d: number): string {
  return /* wgsl */ `// auxk scale B=${batch} d=${d}
@group(0) @binding(0) var<storage, read> rowErr: array<f32>;
@group(0) @binding(1) var<storage, read> colG: array<f32>;
@group(0) @binding(2) var<storage, read_write> auxScale: array<f32>;
var<workgroup> red: array<f32, ${THREADS}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(local_invocation_index) lid: u32) {
  var a = 0.0;
  for (var b = lid; b < ${batch}u; b += ${THREADS}u) { a += rowErr[b]; }
  ${workgroupSum('a', THREADS)}
  let total = red[0];
  workgroupBarrier();
  var c2 = 0.0;
  for (var c = lid; c < ${d}u; c += ${THREADS}u) { c2 += colG[c] * colG[c]; }
  ${workgroupSum('c2', THREADS)}
  if (lid == 0u) {
    let v = total - f32(${(batch / 4).toPrecision(9)}) * red[0];
    auxScale[0] = select(0.0, 2.0 * auxScale[2] / v, v > 0.0);
    auxScale[1] = v;
  }
}`;
}

/** Writes s and V into auxScale from rowErr [batch] and colG [d] (column sums of the whole batch's g). */
export function encodeAuxScale(
  ctx: Enc,
  rowErr: Binding,
  colG: Binding,
  auxScale: Binding,
  batch: number,
  d: number,
): void {
  dispatch(ctx, pipelineFor(ctx.device, wgsl(batch, d), 'auxk scale'), [rowErr, colG, auxScale], [1], 'auxk scale');
}
