// Keeps labels aligned with the activation rows they pair with: repeated per token when [N, T, D] activations
// are flattened to N*T rows, and with the same rows removed when non-finite activation rows are dropped.

/** Each of the N values repeated `times` times in place (label i becomes rows i*times ... i*times + times - 1). */
export function repeatEach(values: Float32Array, times: number): Float32Array;
export function repeatEach<T>(values: ArrayLike<T>, times: number): T[];
export function repeatEach<T>(values: ArrayLike<T> | Float32Array, times: number): T[] | Float32Array {
  if (times === 1) return values instanceof Float32Array ? values : Array.from(values as ArrayLike<T>);
  const n = values.length;
  const out = values instanceof Float32Array ? new Float32Array(n * times) : new Array<T>(n * times);
  for (let i = 0; i < n; i++) for (let k = 0; k < times; k++) (out as T[])[i * times + k] = (values as ArrayLike<T>)[i];
  return out as T[] | Float32Array;
}

/** The values without the given row indices (ascending or not; out-of-range ones ignored). */
export function withoutRows(values: Float32Array, rows: readonly number[]): Float32Array;
export function withoutRows<T>(values: readonly T[], rows: readonly number[]): T[];
export function withoutRows<T>(values: Float32Array | readonly T[], rows: readonly number[]): Float32Array | T[] {
  if (rows.length === 0) return values instanceof Float32Array ? values : [...values];
  const drop = new Uint8Array(values.length);
  for (const r of rows) if (r >= 0 && r < values.length) drop[r] = 1;
  if (values instanceof Float32Array) return values.filter((_, i) => !drop[i]);
  return values.filter((_, i) => !drop[i]);
}
