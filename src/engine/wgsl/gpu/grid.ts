// Dispatch grids that stay within maxComputeWorkgroupsPerDimension, and the WGSL expressions that turn a
// workgroup id back into the row or element it owns: every kernel that spreads work over a 2-D grid uses these.

/** Pure: a 2-D grid for one workgroup per row. */
export function rowGrid(rows: number, maxPerDim = 65535): [number, number] {
  const x = Math.min(rows, maxPerDim);
  return [x, Math.ceil(rows / x)];
}

/** Pure: a 2-D grid of `threads`-wide groups covering n threads. */
export function flatGrid(n: number, threads: number, maxPerDim = 65535): [number, number] {
  const groups = Math.max(1, Math.ceil(n / threads));
  const x = Math.min(groups, maxPerDim);
  return [x, Math.ceil(groups / x)];
}

/** WGSL: the global thread index on a flatGrid of width gridX (needs builtins `wg` and `lid`). */
export const flatIndex = (gridX: number, threads: number) => `(wg.y * ${gridX}u + wg.x) * ${threads}u + lid`;
