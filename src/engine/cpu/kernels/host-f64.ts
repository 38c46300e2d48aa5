// Core's HostKernels on the CPU engine's WebAssembly module: the f64 GEMM micro-kernel (4×4 tiles of f64x2
// multiply-adds, fused where the runtime has relaxed SIMD) and the symmetric matrix-vector product. Workspaces live
// in the instance's linear memory, so products into them update in place; operands elsewhere are read while packing
// and their results added back from scratch. Each large workspace gets a fresh instance, dropped on release, so a
// D = 4096 solve does not pin hundreds of MiB for the life of the worker.
import { scaleView, type MatView } from '../../../core/math/gemm-f64';
import {
  hostKernels,
  jsHostKernels,
  useHostKernels,
  type F64Workspace,
  type HostKernels,
} from '../../../core/math/host-kernels';
import { bestKernelVariant, kernelModule, kernelsSupported, type KernelExports, type KernelVariant } from './heap';

/** k per packed slab, rows per packed A block, columns per packed B block (GotoBLAS's kc, mc, nc). */
const KC = 256;
const MC = 64;
const NC = 1024;
const PACK_A = 16;
const PACK_B = PACK_A + MC * KC * 8;
const SCRATCH = PACK_B + KC * NC * 8;
const FIXED = SCRATCH + MC * NC * 8;
/** An instance whose memory grew past this is dropped when its workspace is released. */
const KEEP_BYTES = 64 << 20;
const PAGE = 65536;

export class WasmHostKernels implements HostKernels {
  readonly name: string;
  /** Made on first use and dropped with a workspace that outgrew KEEP_BYTES: nothing is held at start-up. */
  private k?: KernelExports;
  private mem!: Float64Array;
  private busy = false;

  constructor(private readonly variant: KernelVariant = bestKernelVariant()) {
    this.name = variant === 'fma' ? 'wasm-simd-f64-fma' : 'wasm-simd-f64';
  }

  private instantiate(bytes: number): KernelExports {
    const k = new WebAssembly.Instance(kernelModule(this.variant)).exports as unknown as KernelExports;
    const have = k.memory.buffer.byteLength;
    if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.mem = new Float64Array(k.memory.buffer);
    return (this.k = k);
  }

  workspace(lengths: readonly number[]): F64Workspace {
    // One workspace at a time lives in the instance; a nested one gets plain arrays (products into it copy).
    if (this.busy) return jsHostKernels.workspace(lengths);
    let bytes = FIXED;
    const offsets = lengths.map((n) => {
      const at = bytes;
      bytes += Math.ceil((8 * n) / 16) * 16;
      return at;
    });
    const fresh = !this.k || bytes > this.k.memory.buffer.byteLength;
    const k = fresh ? this.instantiate(bytes) : this.k!;
    const arrays = lengths.map((n, i) => new Float64Array(k.memory.buffer, offsets[i], n));
    if (!fresh) for (const a of arrays) a.fill(0);
    this.busy = true;
    return {
      arrays,
      release: () => {
        this.busy = false;
        if (k.memory.buffer.byteLength > KEEP_BYTES) this.k = undefined;
      },
    };
  }

  private inMemory(x: Float64Array): boolean {
    return this.k !== undefined && x.buffer === this.k.memory.buffer;
  }

  gemm(m: number, n: number, k: number, alpha: number, a: MatView, b: MatView, beta: number, c: MatView): void {
    if (m <= 0 || n <= 0) return;
    const cd = c.data;
    scaleView(m, n, beta, c);
    if (k <= 0 || alpha === 0) return;
    if (!this.k) this.instantiate(FIXED);
    const inPlace = this.inMemory(cd) && c.colStride === 1;
    for (let j0 = 0; j0 < n; j0 += NC) {
      const nc = Math.min(NC, n - j0);
      const nFull = nc >> 2;
      const ragged = nc > 4 * nFull;
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kc = Math.min(KC, k - p0);
        // B is packed even when it lies row-major in this memory: read in place, each k of a panel is a new page
        // (measured 15% slower over a d = 2048 solve).
        this.pack(
          b.data,
          b.offset + p0 * b.rowStride + j0 * b.colStride,
          b.rowStride,
          b.colStride,
          kc,
          nc,
          alpha,
          PACK_B,
        );
        const panel = kc * 32;
        const nPanels = Math.ceil(nc / 4);
        for (let i0 = 0; i0 < m; i0 += MC) {
          const mc = Math.min(MC, m - i0);
          const mPanels = Math.ceil(mc / 4);
          const mFull = mc >> 2;
          this.pack(
            a.data,
            a.offset + i0 * a.rowStride + p0 * a.colStride,
            a.colStride,
            a.rowStride,
            kc,
            mc,
            1,
            PACK_A,
          );
          if (!inPlace) {
            this.viaScratch(PACK_A, mPanels, PACK_B, nPanels, kc, c, i0, j0, mc, nc);
            continue;
          }
          const cAt = cd.byteOffset + (c.offset + i0 * c.rowStride + j0) * 8;
          if (mFull > 0 && nFull > 0) this.k!.dgemmPacked(PACK_A, PACK_B, cAt, c.rowStride * 8, mFull, nFull, kc);
          if (mPanels > mFull)
            this.viaScratch(PACK_A + mFull * panel, 1, PACK_B, nPanels, kc, c, i0 + 4 * mFull, j0, mc - 4 * mFull, nc);
          if (ragged && mFull > 0)
            this.viaScratch(
              PACK_A,
              mFull,
              PACK_B + nFull * panel,
              1,
              kc,
              c,
              i0,
              j0 + 4 * nFull,
              4 * mFull,
              nc - 4 * nFull,
            );
        }
      }
    }
  }

  /** Tiles into zeroed scratch, then the rows × cols corner of it added to C at (i0, j0). */
  private viaScratch(
    pa: number,
    mPanels: number,
    pb: number,
    nPanels: number,
    kc: number,
    c: MatView,
    i0: number,
    j0: number,
    rows: number,
    cols: number,
  ): void {
    const ld = nPanels * 4;
    const s0 = SCRATCH / 8;
    const mem = this.mem;
    mem.fill(0, s0, s0 + mPanels * 4 * ld);
    this.k!.dgemmPacked(pa, pb, SCRATCH, ld * 8, mPanels, nPanels, kc);
    const cd = c.data;
    for (let r = 0; r < rows; r++) {
      const ro = c.offset + (i0 + r) * c.rowStride + j0 * c.colStride;
      const so = s0 + r * ld;
      for (let q = 0; q < cols; q++) cd[ro + q * c.colStride] += mem[so + q];
    }
  }

  /**
   * dst[q/4][p][q%4] = α·src[offset + p·sp + q·sq] for p < kc, q < count, zero-padded to whole 4-wide panels:
   * B blocks with (sp, sq) = (row, column) strides, A blocks with them swapped. In WebAssembly when the source is
   * in this instance's memory; otherwise in JavaScript, reading along whichever stride is 1.
   */
  private pack(
    src: Float64Array,
    offset: number,
    sp: number,
    sq: number,
    kc: number,
    count: number,
    alpha: number,
    dst: number,
  ): void {
    if (this.inMemory(src)) {
      this.k!.dpackPanels(src.byteOffset + offset * 8, sp * 8, sq * 8, kc, count, alpha, dst);
      return;
    }
    const mem = this.mem;
    const d0 = dst / 8;
    const panels = Math.ceil(count / 4);
    if (sq === 1) {
      for (let p = 0; p < kc; p++) {
        const o = offset + p * sp;
        for (let q = 0; q < panels * 4; q++)
          mem[d0 + (q >> 2) * kc * 4 + p * 4 + (q & 3)] = q < count ? alpha * src[o + q] : 0;
      }
      return;
    }
    for (let q = 0; q < panels * 4; q++) {
      const base = d0 + (q >> 2) * kc * 4 + (q & 3);
      if (q >= count) {
        for (let p = 0; p < kc; p++) mem[base + p * 4] = 0;
        continue;
      }
      let o = offset + q * sq;
      for (let p = 0; p < kc; p++, o += sp) mem[base + p * 4] = alpha * src[o];
    }
  }

  symvUpper(a: Float64Array, lda: number, v: Float64Array, vOffset: number, p: Float64Array, lo: number, n: number) {
    if (!(this.inMemory(a) && this.inMemory(v) && this.inMemory(p))) {
      jsHostKernels.symvUpper(a, lda, v, vOffset, p, lo, n);
      return;
    }
    this.k!.dsymvUpper(a.byteOffset, lda * 8, v.byteOffset + vOffset * 8, p.byteOffset, lo, n);
  }

  panelMv: HostKernels['panelMv'] = (out, outOffset, v, w, ld, x, xOffset, y, yOffset, cols, lo, n) => {
    if (![out, v, w, x, y].every((a) => this.inMemory(a))) {
      jsHostKernels.panelMv(out, outOffset, v, w, ld, x, xOffset, y, yOffset, cols, lo, n);
      return;
    }
    const at = (a: Float64Array, offset: number) => a.byteOffset + offset * 8;
    this.k!.dpanelMv(at(out, outOffset), at(v, 0), at(w, 0), ld * 8, at(x, xOffset), at(y, yOffset), cols, lo, n);
  };

  panelTv: HostKernels['panelTv'] = (s1, s2, v, w, ld, u, uOffset, cols, lo, n) => {
    // The kernel sums column pairs: an odd count touches one more column and one more sum entry.
    const fits = cols % 2 === 0 || (cols < ld && s1.length > cols && s2.length > cols);
    if (!fits || ![s1, s2, v, w, u].every((a) => this.inMemory(a))) {
      jsHostKernels.panelTv(s1, s2, v, w, ld, u, uOffset, cols, lo, n);
      return;
    }
    this.k!.dpanelTv(
      s1.byteOffset,
      s2.byteOffset,
      v.byteOffset,
      w.byteOffset,
      ld * 8,
      u.byteOffset + uOffset * 8,
      cols,
      lo,
      n,
    );
  };
}

/**
 * Makes the host's linear algebra run on these kernels where the runtime has WebAssembly SIMD; returns the name
 * of the kernels now in use. Idempotent: the variant is chosen once, so call it after any runtime flags are set.
 */
export function installWasmHostKernels(): string {
  if (hostKernels().name.startsWith('wasm')) return hostKernels().name;
  if (!kernelsSupported()) return hostKernels().name;
  useHostKernels(new WasmHostKernels());
  return hostKernels().name;
}
