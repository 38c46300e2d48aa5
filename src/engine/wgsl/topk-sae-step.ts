// One training step of a TopK SAE, f32: dense encoder matmul, GPU top-k, sparse gather decoder, and a sparse
// backward that touches only the k active latents per row (≈ 2dm + ~10kd FLOP per token instead of 12dm).
// Decoder rows stay unit-norm: the parallel gradient component is removed, rows renormalized after Adam.
import { readF32, storageBuffer, uniformBuffer, type Enc } from './buffers.ts';
import { adamUniforms, encodeAdam, type AdamHyper } from './adam.ts';
import { batchChunks } from './batch-chunks.ts';
import { colSumScratch, encodeColSum } from './colsum.ts';
import { encodeCsr } from './csr.ts';
import { encodeAddInto, encodeSubRow } from './elementwise.ts';
import { encodeMatmul } from './matmul.ts';
import { encodeRowDot } from './rowdot.ts';
import { encodeRowNorm } from './rownorm.ts';
import { view, type SaeState } from './sae-state.ts';
import { encodeSparseDecode } from './sparse-decode.ts';
import { encodeSparseGrads } from './sparse-grads.ts';
import { encodeTopK } from './topk.ts';
import type { ReluSaeOptions, SaeLoss } from './relu-sae-step.ts';

export interface TopKSaeOptions {
  batch: number;
  k: number;
  adam: AdamHyper;
  maxChunkRows?: number;
  /** false: gradients only (no Adam, no renorm, no step count); the caller updates. See ReluSaeOptions. */
  update?: boolean;
  afterForward?: ReluSaeOptions['afterForward'];
}

export class TopKSaeStep {
  readonly chunks: Array<[number, number]>;
  private readonly bufs: Record<string, GPUBuffer> = {};
  private readonly adamU: GPUBuffer;
  private adam: AdamHyper;

  constructor(private readonly s: SaeState, private readonly opts: TopKSaeOptions) {
    const { device, d, m } = s;
    const { batch: B, k } = opts;
    if (!(k >= 1 && k <= m)) throw new Error(`invalid k: ${k} (m = ${m})`);
    this.adam = opts.adam;
    this.chunks = batchChunks(B, m, device.limits.maxStorageBufferBindingSize, opts.maxChunkRows);
    const bc = this.chunks[0][1];
    const mk = (name: string, n: number) => (this.bufs[name] = storageBuffer(device, n, `topk-sae.${name}`));
    mk('xc', bc * d); mk('f', bc * m); mk('gx', bc * d); mk('rowErr', B); mk('idx', bc * k); mk('vals', 2 * bc * k);
    mk('counts', m); mk('cursor', m); mk('csr', m + 1 + bc * k); mk('gbEnc', m); mk('colGx', d); mk('norms', m);
    mk('scratch', colSumScratch(bc, d));
    this.adamU = uniformBuffer(device, adamUniforms(this.adam, 1).buffer, 'topk-sae.adam');
    // Start from unit-norm decoder rows, the invariant every step keeps.
    const enc = device.createCommandEncoder();
    encodeRowNorm({ device, enc }, s.wDec(), m, d, this.bufs.norms, true, 'renorm');
    device.queue.submit([enc.finish()]);
  }

  setHyper(h: { adam?: Partial<AdamHyper> }): void {
    if (h.adam) this.adam = { ...this.adam, ...h.adam };
  }

  step(x: GPUBuffer, timer?: Enc['timer']): void {
    const { device } = this.s;
    if (this.opts.update !== false) {
      this.s.t += 1;
      device.queue.writeBuffer(this.adamU, 0, adamUniforms(this.adam, this.s.t));
    }
    const enc = device.createCommandEncoder();
    this.encode({ device, enc, timer }, x);
    device.queue.submit([enc.finish()]);
  }

  private encode(ctx: Enc, x: GPUBuffer): void {
    const { d, m, grads: G } = this.s;
    const s = this.s, b = this.bufs, { k, batch: B } = this.opts;
    this.chunks.forEach(([r0, bc], ci) => {
      const acc = ci > 0, E = bc * k;
      const xv = view(x, r0 * d, bc * d);
      encodeSubRow(ctx, xv, s.bDec(), b.xc, bc, d, 'center');
      encodeMatmul(ctx, { M: bc, N: m, K: d, transA: false, transB: false, epilogue: { kind: 'bias', relu: true } }, b.xc, s.wEnc(), b.f, [s.bEnc()], 'enc x·W_enc');
      encodeTopK(ctx, b.f, bc, m, k, b.idx, b.vals, 'topk');
      encodeSparseDecode(ctx, b.idx, b.vals, s.wDec(), s.bDec(), xv, b.gx, view(b.rowErr, r0, bc), bc, d, k, B, 'sparse decode');
      this.opts.afterForward?.(ctx, { index: ci, r0, rows: bc, x: xv, gx: b.gx, idx: b.idx, vals: b.vals });
      encodeCsr(ctx, b.idx, E, m, { counts: b.counts, csr: b.csr, cursor: b.cursor });
      encodeSparseGrads(ctx, b.csr, b.vals, b.gx, b.xc, s.wDec(), s.wDec(G), s.wEnc(G), b.gbEnc, m, d, k, E, acc, 'sparse grads');
      encodeColSum(ctx, b.gx, bc, d, b.colGx, b.scratch, false, 'colsum g');
      encodeRowDot(ctx, s.wEnc(), b.gbEnc, b.colGx, s.bDec(G), d, m, acc, 'gb_dec');
      if (acc) encodeAddInto(ctx, b.gbEnc, s.bEnc(G), m, 'gb_enc add');
      else ctx.enc.copyBufferToBuffer(b.gbEnc, 0, G, s.layout.bEnc * 4, m * 4);
    });
    if (this.opts.update === false) return;
    encodeAdam(ctx, s.layout.total, s.params, G, s.adamM, s.adamV, this.adamU, 'adam');
    encodeRowNorm(ctx, s.wDec(), m, d, b.norms, true, 'renorm');
  }

  /** MSE of the most recent step (TopK has no sparsity penalty; AuxK is not implemented). */
  async readLoss(): Promise<SaeLoss> {
    const B = this.opts.batch;
    const rowErr = await readF32(this.s.device, this.bufs.rowErr, B);
    let se = 0;
    for (const v of rowErr) se += v;
    return { mse: se / B, aux: 0, loss: se / B };
  }

  /** The last chunk's top-k indices and values [rows, k] (for tests and inspection). */
  async readTopK(): Promise<{ idx: Uint32Array; val: Float32Array }> {
    const n = this.chunks[this.chunks.length - 1][1] * this.opts.k;
    const idx = new Uint32Array((await readF32(this.s.device, this.bufs.idx, n)).buffer);
    return { idx, val: await readF32(this.s.device, this.bufs.vals, n) };
  }

  destroy(): void {
    for (const b of Object.values(this.bufs)) b.destroy();
    this.adamU.destroy();
  }
}
