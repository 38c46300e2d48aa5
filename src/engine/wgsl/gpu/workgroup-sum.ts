// The WGSL tree reduction every row-wise kernel ends with, written once: after it, red[0] holds the sum of
// `value` over the workgroup. Needs `var<workgroup> red: array<f32, N>` and a builtin `lid`; `threads` must be
// a power of two, and the call must sit in uniform control flow (it contains barriers).
export function workgroupSum(value: string, threads: number): string {
  return `red[lid] = ${value};
  workgroupBarrier();
  for (var h = ${threads / 2}u; h > 0u; h >>= 1u) {
    if (lid < h) { red[lid] += red[lid + h]; }
    workgroupBarrier();
  }`;
}
