// Turns a label column (numbers or strings) into class codes 0..K−1 in scikit-learn's order (sorted unique
// values), so "positive class" means the same thing here as in a scikit-learn reference.

export interface EncodedLabels {
  codes: Int32Array;
  /** Class names in code order. */
  classes: string[];
}

export function encodeLabels(values: ArrayLike<number> | readonly string[]): EncodedLabels {
  const n = values.length;
  const numeric = n === 0 || typeof values[0] === 'number';
  const keys = Array.from({ length: n }, (_, i) => values[i]);
  const unique = [...new Set(keys)];
  if (numeric) (unique as number[]).sort((a, b) => a - b);
  else (unique as string[]).sort();
  const index = new Map<number | string, number>(unique.map((v, i) => [v, i]));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = index.get(keys[i])!;
  return { codes, classes: unique.map(String) };
}

export function classCounts(codes: ArrayLike<number>, rows: ArrayLike<number>, classes: number): Float64Array {
  const counts = new Float64Array(classes);
  for (let r = 0; r < rows.length; r++) counts[codes[rows[r]]]++;
  return counts;
}
