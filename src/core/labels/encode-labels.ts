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
 * encodeLabels, with names for integer codes: when labels are integer class indices and a class-name list is
 * given (lande_lang_classes.json), code c is named names[c]. A list that does not name every class present is
 * refused rather than applied to some of them: 11 names on 16 classes would label classes 0–10 with another
 * dataset's names.
 */
export function encodeNamedLabels(
  values: ArrayLike<number> | readonly string[],
  classNames?: readonly string[],
): EncodedLabels {
  const encoded = encodeLabels(values);
  const numeric = values.length === 0 || typeof values[0] === 'number';
  if (!classNames || !numeric) return encoded;
  const problem = classNamesProblem(encoded.classes.map(Number), classNames.length);
  if (problem) throw new Error(problem);
  return { codes: encoded.codes, classes: encoded.classes.map((c) => classNames[Number(c)]) };
}

/**
 * Why a list of `names` class names cannot name these label values (sorted), or null when every value is an
 * integer index into it.
 */
export function classNamesProblem(values: readonly number[], names: number): string | null {
  if (values.every((v) => Number.isInteger(v) && v >= 0 && v < names)) return null;
  const lo = values[0];
  const hi = values[values.length - 1];
  return `the class-name list has ${names} names but the labels have ${values.length} classes (values ${lo}–${hi}); it names classes by index 0–${names - 1}, so it is not applied: choose a list with a name for every class, or none`;
}

export function classCounts(codes: ArrayLike<number>, rows: ArrayLike<number>, classes: number): Float64Array {
  const counts = new Float64Array(classes);
  for (let r = 0; r < rows.length; r++) counts[codes[rows[r]]]++;
  return counts;
}
