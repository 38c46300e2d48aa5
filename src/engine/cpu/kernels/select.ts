// Latent selection on host f32 pre-activations, emitting CSR codes (row pointers, latent indices, values): each
// row's k largest (ties by the lower index, as core/sae/architecture.ts topIndices), optionally among allowed
// latents only, and a whole batch's k·B largest (ties by the lower flat index). Only positive entries are kept:
// a selected latent's code is its pre-activation, and ReLU drops the rest.

/** CSR codes in a KernelHeap: element offsets of rowPtr [rows + 1] (i32), idx [cap] (i32), val [cap] (f32). */
export interface Csr {
  rowPtr: number;
  idx: number;
  val: number;
}

/**
 * The k largest of each row of pre [rows, m] (at element offset `pre` of `f`), positive ones only, into `out`
 * (capacity rows·k). `allowed[i] = 1` restricts the candidates (AuxK's dead latents).
 */
export function rowTopK(
  f: Float32Array,
  ints: Int32Array,
  pre: number,
  rows: number,
  m: number,
  k: number,
  out: Csr,
  allowed?: Uint8Array,
): void {
  const topV = new Float32Array(k),
    topI = new Int32Array(k);
  let nnz = 0;
  ints[out.rowPtr] = 0;
  for (let r = 0; r < rows; r++) {
    const base = pre + r * m;
    let n = 0;
    for (let i = 0; i < m; i++) {
      if (allowed && !allowed[i]) continue;
      const v = f[base + i];
      // Strictly greater: an equal value with a higher index never displaces the kept one.
      if (n === k && !(v > topV[k - 1])) continue;
      let pos = n < k ? n++ : k - 1;
      while (pos > 0 && topV[pos - 1] < v) {
        topV[pos] = topV[pos - 1];
        topI[pos] = topI[pos - 1];
        pos--;
      }
      topV[pos] = v;
      topI[pos] = i;
    }
    for (let j = 0; j < n; j++)
      if (topV[j] > 0) {
        ints[out.idx + nnz] = topI[j];
        f[out.val + nnz] = topV[j];
        nnz++;
      }
    ints[out.rowPtr + r + 1] = nnz;
  }
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
