// Multi-layer detector: each layer's scores are standardized by the mean and std of that layer's scores on
// trusted reference rows, then summed. Standardizing first keeps a layer with a large raw scale (Mahalanobis
// grows with d) from drowning the others.

export interface LayerScores {
  /** Scores of trusted reference rows (held out from fitting, ideally), used only for the standardization. */
  reference: ArrayLike<number>;
  /** Scores of the rows being judged. */
  scores: ArrayLike<number>;
}

export function standardizeBy(reference: ArrayLike<number>, values: ArrayLike<number>): Float64Array {
  const n = reference.length;
  if (n === 0) throw new Error('no reference scores to standardize by');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += reference[i] / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (reference[i] - mean) ** 2 / n;
  const sd = Math.sqrt(v) > 0 ? Math.sqrt(v) : 1;
  return Float64Array.from({ length: values.length }, (_, i) => (values[i] - mean) / sd);
}

/** Sum over layers of standardized scores; every layer must score the same rows. */
export function combineLayerScores(layers: readonly LayerScores[]): Float64Array {
  if (layers.length === 0) throw new Error('no layers to combine');
  const n = layers[0].scores.length;
  const out = new Float64Array(n);
  layers.forEach((layer, l) => {
    if (layer.scores.length !== n)
      throw new Error(`layer ${l} scores ${layer.scores.length} rows; layer 0 scores ${n}`);
    const z = standardizeBy(layer.reference, layer.scores);
    for (let i = 0; i < n; i++) out[i] += z[i];
  });
  return out;
}
