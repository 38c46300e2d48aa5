// Multi-layer detector: each layer's scores are standardized by the mean and population std of that layer's scores
// on the trusted TRAINING rows, then summed. Standardizing first keeps a layer with a large raw scale (Mahalanobis
// grows with d) from drowning the others. The statistics come from training rows only and are then applied,
// unchanged, to the held-out rows the combined detector is judged on, so no held-out score shapes its own scale.

export interface ScoreStandardization {
  mean: number;
  /** Population std (ddof = 0); 1 when the training scores are constant, so a constant layer adds a constant. */
  sd: number;
  /** Trusted training rows the statistics come from. */
  rows: number;
}

export function fitScoreStandardization(trainScores: ArrayLike<number>): ScoreStandardization {
  const n = trainScores.length;
  if (n === 0) throw new Error('no trusted training scores to standardize by');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += trainScores[i] / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (trainScores[i] - mean) ** 2 / n;
  if (!Number.isFinite(v)) throw new Error('the trusted training scores are not finite');
  const sd = Math.sqrt(v);
  return { mean, sd: sd > 0 ? sd : 1, rows: n };
}

export interface LayerScores {
  /** From the trusted training rows' scores of this layer (fitScoreStandardization). */
  standardization: ScoreStandardization;
  /** Scores of the rows being judged (the held-out rows). */
  scores: ArrayLike<number>;
}

/** Σ_l (s_l − mean_l) / sd_l over layers; every layer must score the same rows. */
export function combineLayerScores(layers: readonly LayerScores[]): Float64Array {
  if (layers.length === 0) throw new Error('no layers to combine');
  const n = layers[0].scores.length;
  const out = new Float64Array(n);
  layers.forEach((layer, l) => {
    if (layer.scores.length !== n)
      throw new Error(`layer ${l} scores ${layer.scores.length} rows; layer 0 scores ${n}`);
    const { mean, sd } = layer.standardization;
    for (let i = 0; i < n; i++) out[i] += (layer.scores[i] - mean) / sd;
  });
  return out;
}
