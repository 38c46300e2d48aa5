// Scores of a linear probe turned into class probabilities (f64), the one place sigmoid/softmax live
// on the host so training, evaluation and export agree.

/** outputs = 1: binary sigmoid → [n, 2]; outputs = K: softmax → [n, K]. Numerically stable forms. */
export function scoresToProba(scores: ArrayLike<number>, outputs: number): Float64Array {
  if (outputs === 1) {
    const n = scores.length;
    const p = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const z = scores[i];
      const p1 = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      p[2 * i] = 1 - p1;
      p[2 * i + 1] = p1;
    }
    return p;
  }
  const n = scores.length / outputs;
  const p = new Float64Array(scores.length);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < outputs; k++) max = Math.max(max, scores[i * outputs + k]);
    let sum = 0;
    for (let k = 0; k < outputs; k++) sum += p[i * outputs + k] = Math.exp(scores[i * outputs + k] - max);
    for (let k = 0; k < outputs; k++) p[i * outputs + k] /= sum;
  }
  return p;
}
