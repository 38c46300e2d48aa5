// Per-row input normalisation around an imported SAE (SAELens normalize_activations, OpenAI's LN for TopK models):
// applied to each row before the engine encodes it and undone on the reconstruction, exactly as the libraries do
// (sae_lens/saes/sae.py _setup_activation_normalization; sparse_autoencoder/model.py LN). Statistics in f64.
import type { InputNorm } from './params';

export interface RowNormStats {
  kind: InputNorm;
  /** layer_norm: μ per row; constant_norm_rescale: c = √d/‖x‖ per row. */
  a: Float64Array;
  /** layer_norm: σ per row (unbiased std of the centred row). */
  b: Float64Array;
}

/**
 * x' = (x − μ)/(σ + 1e-5), σ = std with N − 1 (torch.std's default), or x' = x·√d/‖x‖ (no epsilon: a zero row is
 * refused, where SAELens would produce NaN). `firstRow` numbers the rows in errors.
 */
export function normalizeRows(
  x: Float32Array,
  rows: number,
  d: number,
  kind: InputNorm,
  firstRow = 0,
): { x: Float32Array; stats: RowNormStats } {
  const out = new Float32Array(rows * d);
  const a = new Float64Array(rows);
  const b = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    if (kind === 'layer_norm') {
      let mu = 0;
      for (let j = 0; j < d; j++) mu += x[o + j];
      mu /= d;
      let ss = 0;
      for (let j = 0; j < d; j++) ss += (x[o + j] - mu) ** 2;
      const sigma = Math.sqrt(ss / (d - 1));
      for (let j = 0; j < d; j++) out[o + j] = (x[o + j] - mu) / (sigma + 1e-5);
      a[r] = mu;
      b[r] = sigma;
    } else {
      let ss = 0;
      for (let j = 0; j < d; j++) ss += x[o + j] ** 2;
      if (!(ss > 0))
        throw new Error(
          `row ${firstRow + r} is all zeros: constant_norm_rescale divides by its norm (SAELens would give NaN)`,
        );
      const c = Math.sqrt(d) / Math.sqrt(ss);
      for (let j = 0; j < d; j++) out[o + j] = x[o + j] * c;
      a[r] = c;
    }
  }
  return { x: out, stats: { kind, a, b } };
}

/** Undoes normalizeRows on reconstructions y [rows, d] (in place): y·σ + μ (no epsilon, as SAELens), or y/c. */
export function denormalizeRows(y: Float32Array, rows: number, d: number, stats: RowNormStats): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    if (stats.kind === 'layer_norm') for (let j = 0; j < d; j++) y[o + j] = y[o + j] * stats.b[r] + stats.a[r];
    else for (let j = 0; j < d; j++) y[o + j] = y[o + j] / stats.a[r];
  }
}
