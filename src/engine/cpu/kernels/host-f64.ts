// Core's HostKernels on the CPU engine's WebAssembly module: the f64 GEMM micro-kernel (4×4 tiles of f64x2
// multiply-adds, fused where the runtime has relaxed SIMD) and the symmetric matrix-vector product. Workspaces live
// in the instance's linear memory, so products into them update in place; operands elsewhere are read while packing
// and their results added back from scratch. Each large workspace gets a fresh instance, dropped on release, so a
// D = 4096 solve does not pin hundreds of MiB for the life of the worker.
import { scaleView, type MatView } from '../../../core/math/gemm-f64';
import {
  gemmUpperByBands,
  hostKernels,
  jsHostKernels,
  useHostKernels,
  type F64Workspace,
  type HostKernels,
} from '../../../core/math/host-kernels';
import { bestKernelVariant, kernelModule, kernelsSupported, type KernelExports, type KernelVariant } from './heap';
import { ARGS, BOUNDS, CONTROL_BYTES, HostTeam, OP_GEMM, OP_SYMV, type HostThreads } from './host-team';

/** k per packed slab, rows per A block, columns per packed B block (GotoBLAS's kc, mc, nc). */
const KC = 256;
const MC = 64;
const NC = 1024;
/** Tile-panel products (4×4 tiles × k) below which a product is not shared: about 8 MFLOP, a few hundred µs. */
const MIN_SHARED_TILE_WORK = 1 << 18;
/** Rows per band of gemmUpper: a multiple of 4, so every band starts on a whole panel. */
const UPPER_BAND = 128;
/** Rows of A packed at a time: the threads split a chunk's columns, so it is taller than one L2-sized block. */
const CHUNK = 1024;
/** The symmetric product is cut into this many row ranges whatever the thread count, so results never vary with it. */
const SYMV_PARTS = 8;
/** Trailing rows below which the symmetric product runs whole (a fork costs more than it saves). */
const SYMV_SPLIT_ROWS = 768;
/** Doubles in each symmetric-product part's temporary: bounds the rows that can be split. */
const TEMP_DOUBLES = 65536;
const PACK_B = CONTROL_BYTES;
const PACK_A = PACK_B + KC * NC * 8;
const SCRATCH = PACK_A + CHUNK * KC * 8;
const TEMPS = SCRATCH + MC * NC * 8;
const FIXED = TEMPS + (SYMV_PARTS - 1) * TEMP_DOUBLES * 8;
/** An instance whose memory grew past this is dropped when its workspace is released. */
const KEEP_BYTES = 64 << 20;
const PAGE = 65536;

export class WasmHostKernels implements HostKernels {
  readonly name: string;
  /** Made on first use and dropped with a workspace that outgrew KEEP_BYTES: nothing is held at start-up. */
  private k?: KernelExports;
  private buffer?: ArrayBufferLike;
  private mem!: Float64Array;
  private busy = false;
  private readonly team: HostTeam;

  /**
   * `threads`: helper threads to share large products with (worker_threads in Node, Web Workers in a
   * cross-origin-isolated page); the memory is then a shared one. Results do not depend on the thread count.
   */
  constructor(
    private readonly variant: KernelVariant = bestKernelVariant(),
    threads?: HostThreads,
  ) {
    this.team = new HostTeam(threads);
    this.name =
      (variant === 'fma' ? 'wasm-simd-f64-fma' : 'wasm-simd-f64') + (this.team.size > 1 ? `×${this.team.size}` : '');
  }

  /** Starts the helper threads (else they start with the first workspace): see HostThreads.startEarly. */
  startHelpers(): void {
    this.team.start();
  }

  /** Parts of shared products the helper threads have run (0 without helpers, or before they have started). */
  get helperParts(): number {
    return this.team.helperParts;
  }

  private instantiate(bytes: number): KernelExports {
    const pages = Math.ceil(bytes / PAGE);
    const shared = this.team.size > 1;
    const module = kernelModule(this.variant, shared);
    let k: KernelExports;
    if (shared) {
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
      k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    } else {
      k = new WebAssembly.Instance(module).exports as unknown as KernelExports;
      const have = k.memory.buffer.byteLength / PAGE;
      if (pages > have) k.memory.grow(pages - have);
    }
    this.buffer = k.memory.buffer;
    this.mem = new Float64Array(this.buffer);
    this.team.attach(k, module);
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
    const fresh = !this.k || bytes > this.buffer!.byteLength;
    if (fresh) this.instantiate(bytes);
    const arrays = lengths.map((n, i) => new Float64Array(this.buffer!, offsets[i], n));
    if (!fresh) for (const a of arrays) a.fill(0);
    this.busy = true;
    return {
      arrays,
      release: () => {
        this.busy = false;
        if (this.buffer!.byteLength > KEEP_BYTES) {
          this.team.detach();
          this.k = undefined;
          this.buffer = undefined;
        }
      },
    };
  }

  private inMemory(x: Float64Array): boolean {
    return this.buffer !== undefined && x.buffer === this.buffer;
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
      const nPanels = Math.ceil(nc / 4);
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kc = Math.min(KC, k - p0);
        const panel = kc * 32;
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
        for (let i0 = 0; i0 < m; i0 += CHUNK) {
          const mc = Math.min(CHUNK, m - i0);
          const mPanels = Math.ceil(mc / 4);
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
            for (let s = 0; s < mPanels; s += MC / 4) {
              const rows = Math.min(MC, mc - 4 * s);
              this.viaScratch(
                PACK_A + s * panel,
                Math.ceil(rows / 4),
                PACK_B,
                nPanels,
                kc,
                c,
                i0 + 4 * s,
                j0,
                rows,
                nc,
              );
            }
            continue;
          }
          this.tiles(PACK_A, mc, PACK_B, nc, kc, c, i0, j0);
        }
      }
    }
  }

  gemmUpper(n: number, k: number, alpha: number, a: MatView, b: MatView, c: MatView): void {
    if (n <= 0 || k <= 0 || alpha === 0) return;
    if (!this.k) this.instantiate(FIXED);
    if (!(this.inMemory(c.data) && c.colStride === 1) || k > KC) {
      gemmUpperByBands(this, n, k, alpha, a, b, c);
      return;
    }
    // B is packed once for as many columns as the pack holds (all of them for k ≤ 64 up to n = 4096), and each
    // band of A's rows meets it from the diagonal rightwards, instead of B being repacked for every band.
    // (At most 4·NC columns, so a ragged row panel still fits the scratch.)
    const span = Math.min(4 * NC, Math.floor((KC * NC) / k / UPPER_BAND) * UPPER_BAND);
    for (let c0 = 0; c0 < n; c0 += span) {
      const c1 = Math.min(n, c0 + span);
      this.pack(b.data, b.offset + c0 * b.colStride, b.rowStride, b.colStride, k, c1 - c0, alpha, PACK_B);
      for (let r0 = 0; r0 < c1; r0 += UPPER_BAND) {
        const rows = Math.min(UPPER_BAND, n - r0);
        const j0 = Math.max(r0, c0);
        this.pack(a.data, a.offset + r0 * a.rowStride, a.colStride, a.rowStride, k, rows, 1, PACK_A);
        this.tiles(PACK_A, rows, PACK_B + ((j0 - c0) / 4) * k * 32, c1 - j0, k, c, r0, j0);
      }
    }
  }

  /**
   * C[i0 + r][j0 + q] += Σ_p Â[r][p]·B̂[p][q] for r < rows, q < cols, from packed Â (at pa) and B̂ (at pb) of kc
   * steps into C in this memory: the full 4×4 tiles in place, cut into parts over B̂'s panels for the team, the
   * ragged last row and column panels through scratch.
   */
  private tiles(pa: number, rows: number, pb: number, cols: number, kc: number, c: MatView, i0: number, j0: number) {
    const mFull = rows >> 2;
    const nFull = cols >> 2;
    const mPanels = Math.ceil(rows / 4);
    const nPanels = Math.ceil(cols / 4);
    const panel = kc * 32;
    if (mFull > 0 && nFull > 0) {
      const ctl = this.team.control;
      const at = c.data.byteOffset + (c.offset + i0 * c.rowStride + j0) * 8;
      ctl.set([pa, pb, at, c.rowStride * 8, mFull, nFull, kc], ARGS);
      // Several parts per thread, so whichever thread runs faster (or started sooner) takes more of them; small
      // products stay whole, where waking a helper would cost more than it saves.
      const shared = this.team.size > 1 && mFull * nFull * kc >= MIN_SHARED_TILE_WORK;
      this.team.run(OP_GEMM, shared ? Math.min(4 * this.team.size, nFull) : 1);
    }
    if (mPanels > mFull)
      this.viaScratch(pa + mFull * panel, 1, pb, nPanels, kc, c, i0 + 4 * mFull, j0, rows - 4 * mFull, cols);
    if (nPanels > nFull && mFull > 0)
      this.viaScratch(pa, mFull, pb + nFull * panel, 1, kc, c, i0, j0 + 4 * nFull, 4 * mFull, cols - 4 * nFull);
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
    const vAt = v.byteOffset + vOffset * 8;
    const rows = n - lo;
    // Equal shares of the triangle: part t starts where (n − start)² = rows²·(1 − t/parts), rounded to even rows.
    const bounds = [lo];
    for (let t = 1; t < SYMV_PARTS; t++)
      bounds.push(lo + 2 * Math.round((rows - rows * Math.sqrt(1 - t / SYMV_PARTS)) / 2));
    bounds.push(n);
    if (rows < SYMV_SPLIT_ROWS || n - bounds[1] > TEMP_DOUBLES) {
      this.k!.dsymvUpper(a.byteOffset, lda * 8, vAt, p.byteOffset, lo, n, n);
      return;
    }
    const ctl = this.team.control;
    ctl.set([a.byteOffset, lda * 8, vAt, p.byteOffset, n, TEMPS, TEMP_DOUBLES * 8], ARGS);
    ctl.set(bounds, BOUNDS);
    this.team.run(OP_SYMV, SYMV_PARTS);
    const mem = this.mem;
    const p0 = p.byteOffset / 8;
    for (let t = 1; t < SYMV_PARTS; t++) {
      const from = bounds[t];
      const tmp = TEMPS / 8 + (t - 1) * TEMP_DOUBLES - from;
      for (let j = from; j < n; j++) mem[p0 + j] += mem[tmp + j];
    }
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

/** Whether this runtime can share a WebAssembly memory between threads (a page needs cross-origin isolation). */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes the host's linear algebra run on these kernels where the runtime has WebAssembly SIMD; returns the name
 * of the kernels now in use. `threads` adds helper threads where memory can be shared. Idempotent: the first
 * call chooses, so call it after any runtime flags are set.
 */
export function installWasmHostKernels(threads?: HostThreads): string {
  if (hostKernels().name.startsWith('wasm')) return hostKernels().name;
  if (!kernelsSupported()) return hostKernels().name;
  const team = threads && threads.helpers > 0 && sharedMemorySupported() ? threads : undefined;
  const kernels = new WasmHostKernels(bestKernelVariant(), team);
  if (team?.startEarly) kernels.startHelpers();
  useHostKernels(kernels);
  return kernels.name;
}
