// A WebAssembly instance of the CPU kernels (kernels.wat) with its own linear memory and a bump allocator over it.
// Buffers are f32 or i32 offsets (in elements) into that memory, so JS loops index `heap.f32` directly and the
// kernels read the same bytes without a copy. Growing the memory replaces the views: re-read `f32`/`i32` after alloc.
import { KERNELS_WASM_BASE64 } from './kernels-wasm';

interface KernelExports {
  memory: WebAssembly.Memory;
  gemm(a: number, aRow: number, aK: number, b: number, c: number, M: number, K: number, N: number, acc: number): void;
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
}

let compiled: WebAssembly.Module | undefined;

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The compiled module (2.4 KB: synchronous compilation is allowed everywhere, a page's main thread included). */
function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64) as Uint8Array<ArrayBuffer>);
  return compiled;
}

/** Whether this runtime runs WebAssembly SIMD (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4). */
export function kernelsSupported(): boolean {
  try {
    kernelModule();
    return true;
  } catch {
    return false;
  }
}

const PAGE = 65536;

export class KernelHeap {
  readonly k: KernelExports;
  f32!: Float32Array;
  i32!: Int32Array;
  /** Next free byte (16-byte aligned, so f32x4 loads of a buffer's start are aligned). */
  private top = 16;

  constructor() {
    this.k = new WebAssembly.Instance(kernelModule()).exports as unknown as KernelExports;
    this.refresh();
  }

  private refresh(): void {
    this.f32 = new Float32Array(this.k.memory.buffer);
    this.i32 = new Int32Array(this.k.memory.buffer);
  }

  /** Bytes allocated so far. */
  get used(): number {
    return this.top;
  }

  /** n zeroed 4-byte elements; returns their element offset (valid for both f32 and i32 views). */
  alloc(n: number): number {
    const bytes = Math.ceil((4 * n) / 16) * 16;
    const start = this.top;
    const end = start + bytes;
    const have = this.k.memory.buffer.byteLength;
    if (end > have) {
      this.k.memory.grow(Math.ceil((end - have) / PAGE));
      this.refresh();
    }
    this.top = end;
    this.f32.fill(0, start / 4, start / 4 + n);
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
