// Gradient clipping as every SAE trainer applies it, so the tfjs and WGSL paths clip the same number: the global
// L2 norm ‖g‖ over all parameter gradients (W_enc, b_enc, W_dec, b_dec, and JumpReLU's log θ), taken after a
// unit-norm decoder's gradient has lost its component along each row (what Adam will see, as dictionary_learning
// orders it), then g ← g·min(1, c/‖g‖) before the Adam update. The reported gradient norm is that ‖g‖, unclipped.

/** The factor min(1, c/‖g‖) every gradient is multiplied by; 1 when clipping is off (c = null). */
export function gradClipScale(gradNorm: number, clip: number | null): number {
  return clip !== null && gradNorm > clip ? clip / gradNorm : 1;
}
