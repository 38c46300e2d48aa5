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

/**
 * encodeLabels, with names for integer codes: when labels are integer class indices 0..K−1 and a class-name list
 * is given (lande_lang_classes.json), code c is named names[c]. Values outside the list keep their own text.
 */
export function encodeNamedLabels(
  values: ArrayLike<number> | readonly string[],
  classNames?: readonly string[],
): EncodedLabels {
  const encoded = encodeLabels(values);
  const numeric = values.length === 0 || typeof values[0] === 'number';
  if (!classNames || !numeric) return encoded;
  const classes = encoded.classes.map((c) => {
    const i = Number(c);
    return Number.isInteger(i) && i >= 0 && i < classNames.length ? classNames[i] : c;
  });
  return { codes: encoded.codes, classes };
}

export function classCounts(codes: ArrayLike<number>, rows: ArrayLike<number>, classes: number): Float64Array {
  const counts = new Float64Array(classes);
  for (let r = 0; r < rows.length; r++) counts[codes[rows[r]]]++;
  return counts;
}
