// Latent selection on f32 pre-activations in a KernelHeap, emitting CSR codes (row pointers, latent indices, values): each
// row's k largest (ties by the lower index, as core/sae/architecture.ts topIndices), optionally among allowed
// latents only, and a whole batch's k·B largest (ties by the lower flat index). Only positive entries are kept:
// a selected latent's code is its pre-activation, and ReLU drops the rest.

import type { KernelHeap } from './heap';

/** CSR codes in a KernelHeap: element offsets of rowPtr [rows + 1] (i32), idx [cap] (i32), val [cap] (f32). */
export interface Csr {
  rowPtr: number;
  idx: number;
  val: number;
}

/**
 * The k largest of each row of pre [rows, m] (heap element offset), positive ones only, into `out` (capacity
 * rows·k). `allowed` (heap offset of m i32 flags, 1 = candidate) restricts the candidates (AuxK's dead latents).
 */
export function rowTopK(
  h: KernelHeap,
  pre: number,
  rows: number,
  m: number,
  k: number,
  out: Csr,
  allowed?: number,
): void {
  if (k <= 0) {
    h.i32.fill(0, out.rowPtr, out.rowPtr + rows + 1);
    return;
  }
  const mark = h.used;
  const topV = h.alloc(k),
    topI = h.alloc(k);
  h.k.rowTopK(
    4 * pre,
    rows,
    m,
    k,
    allowed === undefined ? 0 : 4 * allowed,
    4 * topV,
    4 * topI,
    4 * out.rowPtr,
    4 * out.idx,
    4 * out.val,
  );
  h.release(mark);
}

/** The value of rank `rank` (0 = largest) among `a`, by quickselect on a copy (a is not changed). */
export function kthLargest(a: Float32Array, rank: number): number {
  const v = Float32Array.from(a);
  let lo = 0,
    hi = v.length - 1;
  while (lo < hi) {
    // Median of three as pivot; partition descending (Hoare).
    const mid = (lo + hi) >> 1;
    const x = v[lo],
      y = v[mid],
      z = v[hi];
    const pivot = x > y ? (y > z ? y : x > z ? z : x) : x > z ? x : y > z ? z : y;
    let i = lo,
      j = hi;
    while (i <= j) {
      while (v[i] > pivot) i++;
      while (v[j] < pivot) j--;
      if (i <= j) {
        const t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else return v[rank];
  }
  return v[rank];
}

/**
 * BatchTopK: the k·rows largest entries of the whole pre [rows, m] (ties by the lower flat index), positive ones
 * only, into `out` (capacity rows·k). Returns the smallest kept value (null when none was kept).
 */
export function batchTopK(
  f: Float32Array,
  ints: Int32Array,
  pre: number,
  rows: number,
  m: number,
  k: number,
  out: Csr,
): number | null {
  const total = rows * m;
  const kTotal = Math.min(k * rows, total);
  const all = f.subarray(pre, pre + total);
  const cut = kTotal === 0 ? Infinity : kthLargest(all, kTotal - 1);
  let above = 0;
  for (let n = 0; n < total; n++) if (all[n] > cut) above++;
  // Entries equal to the cut fill what is left of k·rows, lowest flat index first.
  let ties = kTotal - above;
  let nnz = 0,
    minKept = Infinity;
  ints[out.rowPtr] = 0;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < m; i++) {
      const v = all[r * m + i];
      let keep = v > cut;
      if (!keep && v === cut && ties > 0) {
        ties--;
        keep = true;
      }
      if (keep && v > 0) {
        ints[out.idx + nnz] = i;
        f[out.val + nnz] = v;
        nnz++;
        if (v < minKept) minKept = v;
      }
    }
    ints[out.rowPtr + r + 1] = nnz;
  }
  return minKept < Infinity ? minKept : null;
}
