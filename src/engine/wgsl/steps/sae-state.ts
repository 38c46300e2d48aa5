// SAE parameters, gradients and Adam moments on the GPU, each packed in one buffer with a shared layout
// (W_enc [d, m], b_enc [m], W_dec [m, d], b_dec [d], as SAELens saves them, then JumpReLU's log θ [m]), so
// Adam and the gradient norm are one dispatch each over every parameter.
import { readF32, storageBuffer, view } from '../gpu/buffers';

export interface SaeLayout {
  wEnc: number;
  bEnc: number;
  wDec: number;
  bDec: number;
  logTheta: number | null;
  total: number;
}
export interface SaeParams {
  wEnc: Float32Array;
  bEnc: Float32Array;
  wDec: Float32Array;
  bDec: Float32Array;
  logTheta?: Float32Array;
}

/** Float offsets, each 64-float (256-byte) aligned so every tensor can be bound as its own sub-range. */
export function saeLayout(d: number, m: number, withLogTheta = false): SaeLayout {
  const up = (n: number) => Math.ceil(n / 64) * 64;
  const wEnc = 0,
    bEnc = up(d * m),
    wDec = bEnc + up(m),
    bDec = wDec + up(m * d),
    end = bDec + up(d);
  return withLogTheta
    ? { wEnc, bEnc, wDec, bDec, logTheta: end, total: end + up(m) }
    : { wEnc, bEnc, wDec, bDec, logTheta: null, total: end };
}

/** The parameter tensors in layout (and checkpoint) order, with their lengths. */
function tensors(L: SaeLayout, d: number, m: number): Array<[keyof SaeParams, number, number]> {
  const out: Array<[keyof SaeParams, number, number]> = [
    ['wEnc', L.wEnc, d * m],
    ['bEnc', L.bEnc, m],
    ['wDec', L.wDec, m * d],
    ['bDec', L.bDec, d],
  ];
  if (L.logTheta !== null) out.push(['logTheta', L.logTheta, m]);
  return out;
}

export class SaeState {
  readonly layout: SaeLayout;
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly adamM: GPUBuffer;
  readonly adamV: GPUBuffer;
  /** Adam steps taken so far. */
  t = 0;

  /** `init.logTheta` present: a JumpReLU state, whose layout carries log θ. */
  constructor(
    readonly device: GPUDevice,
    readonly d: number,
    readonly m: number,
    init: SaeParams,
  ) {
    const L = (this.layout = saeLayout(d, m, !!init.logTheta));
    for (const [k, , n] of tensors(L, d, m))
      if (init[k]!.length !== n) throw new Error(`invalid SAE init ${k}: length ${init[k]!.length}, expected ${n}`);
    this.params = storageBuffer(device, L.total, 'sae.params');
    this.grads = storageBuffer(device, L.total, 'sae.grads');
    this.adamM = storageBuffer(device, L.total, 'sae.adamM');
    this.adamV = storageBuffer(device, L.total, 'sae.adamV');
    for (const [k, at] of tensors(L, d, m)) {
      const a = init[k]!;
      device.queue.writeBuffer(this.params, at * 4, a.buffer, a.byteOffset, a.byteLength);
    }
  }

  wEnc(buf = this.params) {
    return view(buf, this.layout.wEnc, this.d * this.m);
  }
  bEnc(buf = this.params) {
    return view(buf, this.layout.bEnc, this.m);
  }
  wDec(buf = this.params) {
    return view(buf, this.layout.wDec, this.m * this.d);
  }
  bDec(buf = this.params) {
    return view(buf, this.layout.bDec, this.d);
  }
  logTheta(buf = this.params) {
    if (this.layout.logTheta === null) throw new Error('this SAE state has no log-threshold (not JumpReLU)');
    return view(buf, this.layout.logTheta, this.m);
  }

  /** Splits one packed buffer's contents into its tensors, in checkpoint order. */
  split(all: Float32Array): Float32Array[] {
    return tensors(this.layout, this.d, this.m).map(([, at, n]) => all.slice(at, at + n));
  }

  /** Writes tensors in checkpoint order into a packed buffer (Adam moments on resume). */
  write(buf: GPUBuffer, parts: Float32Array[]): void {
    tensors(this.layout, this.d, this.m).forEach(([, at], i) =>
      this.device.queue.writeBuffer(buf, at * 4, parts[i].buffer, parts[i].byteOffset, parts[i].byteLength),
    );
  }

  /** Reads parameters (or, with `which = 'grads'`, the last step's gradients) back to the host. */
  async read(which: 'params' | 'grads' = 'params'): Promise<SaeParams> {
    const all = await readF32(this.device, which === 'params' ? this.params : this.grads, this.layout.total);
    return Object.fromEntries(
      tensors(this.layout, this.d, this.m).map(([k, at, n]) => [k, all.slice(at, at + n)]),
    ) as unknown as SaeParams;
  }

  destroy(): void {
    for (const b of [this.params, this.grads, this.adamM, this.adamV]) b.destroy();
  }
}
