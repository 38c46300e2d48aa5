// A WebAssembly instance of the CPU kernels (kernels.wat) with its own linear memory and a bump allocator over it.
// Buffers are f32 or i32 offsets (in elements) into that memory, so JS loops index `heap.f32` directly and the
// kernels read the same bytes without a copy. Growing the memory replaces the views: re-read `f32`/`i32` after alloc.
import {
  KERNELS_FMA_SHARED_WASM_BASE64,
  KERNELS_FMA_WASM_BASE64,
  KERNELS_SHARED_WASM_BASE64,
  KERNELS_WASM_BASE64,
} from './kernels-wasm';

/**
 * `fma`: the GEMM multiply-adds as relaxed-SIMD f32x4.relaxed_madd (Chrome ≥ 114, Node ≥ 22, or
 * Node 20 with --experimental-wasm-relaxed-simd); it may round once (fused) or twice, depending on the hardware.
 * `base`: plain SIMD, everywhere else.
 */
export type KernelVariant = 'base' | 'fma';

/** C += Â·B̂ over 4-row tiles of packed Â and B̂ panels (kernels.wat documents the layouts); byte offsets. */
type PackedGemm = (
  pa: number,
  pb: number,
  pc: number,
  ldc: number,
  mPanels: number,
  nPanels: number,
  kc: number,
) => void;

export interface KernelExports {
  memory: WebAssembly.Memory;
  gemm(a: number, aRow: number, aK: number, b: number, c: number, M: number, K: number, N: number, acc: number): void;
  sgemmPacked: PackedGemm;
  spackPanels(src: number, sp: number, sq: number, kc: number, count: number, w: number, dst: number): void;
  // f64, for the host's linear algebra (host-f64.ts).
  dgemmPacked: PackedGemm;
  dsymvUpper(a: number, lda: number, v: number, p: number, lo: number, hi: number, n: number): void;
  dpanelMv(
    out: number,
    V: number,
    W: number,
    ld: number,
    x: number,
    y: number,
    jj: number,
    lo: number,
    n: number,
  ): void;
  dpanelTv(
    s1: number,
    s2: number,
    V: number,
    W: number,
    ld: number,
    v: number,
    jj: number,
    lo: number,
    n: number,
  ): void;
  dpackPanels(src: number, sp: number, sq: number, kc: number, count: number, alpha: number, dst: number): void;
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    b1: number,
    b2: number,
    c2: number,
    eps: number,
    scale: number,
  ): void;
  sumSquares(x: number, n: number): number;
  sparseDecode(rowPtr: number, idx: number, val: number, rows: number, w: number, d: number, out: number): void;
  sparseScatter(rowPtr: number, idx: number, val: number, rows: number, src: number, d: number, out: number): void;
  sparseDots(rowPtr: number, idx: number, rows: number, src: number, w: number, d: number, out: number): void;
  addRows(x: number, v: number, rows: number, n: number, alpha: number): void;
  colSums(x: number, rows: number, n: number, out: number): void;
  rowDots(a: number, b: number, bStride: number, rows: number, d: number, out: number): void;
  rowsAxpy(y: number, x: number, coef: number, rows: number, d: number): void;
  scaleRows(w: number, s: number, rows: number, d: number): void;
  gateCodes(pre: number, theta: number, f: number, rows: number, m: number): void;
  maskPositive(g: number, f: number, n: number): void;
  countPositive(f: number, rows: number, n: number, out: number): void;
  compress(f: number, rows: number, m: number, rowPtr: number, idx: number, val: number): void;
  transpose(src: number, out: number, rows: number, cols: number): void;
  rowTopK(
    pre: number,
    rows: number,
    m: number,
    k: number,
    allowed: number,
    topV: number,
    topI: number,
    rowPtr: number,
    idx: number,
    val: number,
  ): void;
}

const compiled = new Map<string, WebAssembly.Module>();

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const BASE64 = {
  base: [KERNELS_WASM_BASE64, KERNELS_SHARED_WASM_BASE64],
  fma: [KERNELS_FMA_WASM_BASE64, KERNELS_FMA_SHARED_WASM_BASE64],
} as const;

const bytesOf = (variant: KernelVariant, shared = false) =>
  decodeBase64(BASE64[variant][shared ? 1 : 0]) as Uint8Array<ArrayBuffer>;

/**
 * The compiled module, compiled synchronously: fine in Node and in the page's worker, where the engine runs.
 * `shared`: the build importing a shared memory (env.memory), which helper threads instantiate over the same bytes.
 */
export function kernelModule(variant: KernelVariant, shared = false): WebAssembly.Module {
  const key = `${variant}${shared ? '-shared' : ''}`;
  let mod = compiled.get(key);
  if (!mod) compiled.set(key, (mod = new WebAssembly.Module(bytesOf(variant, shared))));
  return mod;
}

/** Whether this runtime runs WebAssembly SIMD (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4). */
export function kernelsSupported(): boolean {
  try {
    kernelModule('base');
    return true;
  } catch {
    return false;
  }
}

/** Whether this runtime validates the given variant's bytes (relaxed SIMD for `fma`). */
export function kernelVariantSupported(variant: KernelVariant): boolean {
  return WebAssembly.validate(bytesOf(variant));
}

/** The fastest variant this runtime runs: checked on each call, so a runtime flag set at start-up counts. */
export function bestKernelVariant(): KernelVariant {
  return kernelVariantSupported('fma') ? 'fma' : 'base';
}

const PAGE = 65536;

/** The f32 GEMM's blocking (GotoBLAS's kc, mc, nc): k per packed slab, rows per A block, columns per B block. */
export const GEMM_BLOCK = { KC: 256, MC: 64, NC: 512 } as const;
const GEMM_SCRATCH_FLOATS = GEMM_BLOCK.MC * GEMM_BLOCK.KC + GEMM_BLOCK.KC * GEMM_BLOCK.NC + GEMM_BLOCK.MC * 8;

export class KernelHeap {
  readonly k: KernelExports;
  f32!: Float32Array;
  i32!: Int32Array;
  /** Next free byte (16-byte aligned, so f32x4 loads of a buffer's start are aligned). */
  private top = 16;

  readonly variant: KernelVariant;

  /** The blocked GEMM's packing and edge scratch, reserved first so a product never grows memory under a caller. */
  readonly gemmScratch: number;

  constructor(variant: KernelVariant = bestKernelVariant()) {
    this.variant = variant;
    this.k = new WebAssembly.Instance(kernelModule(variant)).exports as unknown as KernelExports;
    this.refresh();
    this.gemmScratch = this.alloc(GEMM_SCRATCH_FLOATS, false);
  }

  private refresh(): void {
    this.f32 = new Float32Array(this.k.memory.buffer);
    this.i32 = new Int32Array(this.k.memory.buffer);
  }

  /** Bytes allocated so far. */
  get used(): number {
    return this.top;
  }

  /**
   * n 4-byte elements, zeroed unless `zero` is false (scratch the caller overwrites); returns their element offset
   * (valid for both f32 and i32 views).
   */
  alloc(n: number, zero = true): number {
    const bytes = Math.ceil((4 * n) / 16) * 16;
    const start = this.top;
    const end = start + bytes;
    const have = this.k.memory.buffer.byteLength;
    if (end > have) {
      this.k.memory.grow(Math.ceil((end - have) / PAGE));
      this.refresh();
    }
    this.top = end;
    if (zero) this.f32.fill(0, start / 4, start / 4 + n);
    return start / 4;
  }

  /** A buffer holding a copy of `src`. */
  allocFrom(src: ArrayLike<number>): number {
    const off = this.alloc(src.length);
    this.f32.set(src, off);
    return off;
  }

  /** Frees everything allocated at or after `mark` (an earlier `used`): scratch space reused between calls. */
  release(mark: number): void {
    this.top = mark;
  }

  view(off: number, n: number): Float32Array {
    return this.f32.subarray(off, off + n);
  }

  copyOut(off: number, n: number): Float32Array {
    return this.f32.slice(off, off + n);
  }
}
