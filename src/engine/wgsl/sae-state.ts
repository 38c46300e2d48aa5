// SAE parameters, gradients and Adam moments on the GPU, each packed in one buffer with a shared layout
// (W_enc [d, m], b_enc [m], W_dec [m, d], b_dec [d], as SAELens saves them), so Adam is one dispatch.
import { readF32, storageBuffer } from './buffers.ts';

export interface SaeLayout { wEnc: number; bEnc: number; wDec: number; bDec: number; total: number }
export interface SaeParams { wEnc: Float32Array; bEnc: Float32Array; wDec: Float32Array; bDec: Float32Array }

/** Float offsets, each 64-float (256-byte) aligned so every tensor can be bound as its own sub-range. */
export function saeLayout(d: number, m: number): SaeLayout {
  const up = (n: number) => Math.ceil(n / 64) * 64;
  const wEnc = 0, bEnc = up(d * m), wDec = bEnc + up(m), bDec = wDec + up(m * d);
  return { wEnc, bEnc, wDec, bDec, total: bDec + up(d) };
}

/** A sub-range binding of `count` floats at float offset `at`. */
export function view(buffer: GPUBuffer, at: number, count: number): GPUBufferBinding {
  return { buffer, offset: at * 4, size: Math.max(4, count) * 4 };
}

export class SaeState {
  readonly layout: SaeLayout;
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly adamM: GPUBuffer;
  readonly adamV: GPUBuffer;
  /** Adam steps taken so far. */
  t = 0;

  constructor(readonly device: GPUDevice, readonly d: number, readonly m: number, init: SaeParams) {
    const L = (this.layout = saeLayout(d, m));
    const sizes: Array<[keyof SaeParams, number]> = [['wEnc', d * m], ['bEnc', m], ['wDec', m * d], ['bDec', d]];
    for (const [k, n] of sizes) if (init[k].length !== n) throw new Error(`invalid SAE init ${k}: length ${init[k].length}, expected ${n}`);
    this.params = storageBuffer(device, L.total, 'sae.params');
    this.grads = storageBuffer(device, L.total, 'sae.grads');
    this.adamM = storageBuffer(device, L.total, 'sae.adamM');
    this.adamV = storageBuffer(device, L.total, 'sae.adamV');
    for (const [k] of sizes) {
      const a = init[k];
      device.queue.writeBuffer(this.params, L[k] * 4, a.buffer, a.byteOffset, a.byteLength);
    }
  }

  wEnc(buf = this.params) { return view(buf, this.layout.wEnc, this.d * this.m); }
  bEnc(buf = this.params) { return view(buf, this.layout.bEnc, this.m); }
  wDec(buf = this.params) { return view(buf, this.layout.wDec, this.m * this.d); }
  bDec(buf = this.params) { return view(buf, this.layout.bDec, this.d); }

  /** Reads parameters (or, with `which = 'grads'`, the last step's gradients) back to the host. */
  async read(which: 'params' | 'grads' = 'params'): Promise<SaeParams> {
    const all = await readF32(this.device, which === 'params' ? this.params : this.grads, this.layout.total);
    const L = this.layout, { d, m } = this;
    return {
      wEnc: all.slice(L.wEnc, L.wEnc + d * m), bEnc: all.slice(L.bEnc, L.bEnc + m),
      wDec: all.slice(L.wDec, L.wDec + m * d), bDec: all.slice(L.bDec, L.bDec + d),
    };
  }

  destroy(): void {
    for (const b of [this.params, this.grads, this.adamM, this.adamV]) b.destroy();
  }
}
