// One training step of a dense SAE, f32, as a fixed sequence of fused WGSL dispatches: 5 matmuls, their fused
// epilogues, a few reductions, and one Adam over all parameters. Two activations train on it:
//  - ReLU + decoder-norm-weighted L1 (λ·Σ f_i‖W_dec,i‖/B),
//  - JumpReLU + L0 (λ·Σ 1{pre > θ}/B) with θ = exp(log θ) trained through the rectangle straight-through
//    estimator of width ε (SAELens v6); its state carries log θ (SaeState with `logTheta`).
// A third runs forward only: 'threshold', a fixed per-latent θ buffer (BatchTopK's inference, exported as JumpReLU).
import { readF32, readU32, storageBuffer, uniformBuffer, view, type Enc } from '../gpu/buffers';
import { adamUniforms, encodeAdam, type AdamHyper } from '../kernels/adam';
import { batchChunks } from '../gpu/batch-chunks';
import { colSumScratch, encodeColSum } from '../kernels/colsum';
import { encodeAddInto, encodeSubRow } from '../kernels/elementwise';
import { encodeLogThetaGrad, encodeThresholdGate } from '../kernels/jumprelu';
import { encodeL1Terms } from '../kernels/l1terms';
import { encodeMatmul, matmulGeometry } from '../kernels/matmul';
import { encodeResidual } from '../kernels/residual';
import { encodeRowDot } from '../kernels/rowdot';
import { encodeRowNorm } from '../kernels/rownorm';
import { encodeDenseFires } from '../kernels/sae-batch-stats';
import type { SaeState } from './sae-state';

export interface ReluSaeOptions {
  batch: number;
  /** relu: the L1 coefficient; jumprelu: the L0 coefficient. */
  lambda: number;
  /** Default 'relu'; 'jumprelu' needs a state with log θ; 'threshold' (forward only) needs `theta`. */
  activation?: 'relu' | 'jumprelu' | 'threshold';
  /** 'threshold': θ [m] as is (not its log), read at every forward pass. */
  theta?: GPUBuffer;
  /** JumpReLU's straight-through window ε. */
  bandwidth?: number;
  adam: AdamHyper;
  /** Cap on rows per chunk (tests use it to exercise chunking); the device limit caps it anyway. */
  maxChunkRows?: number;
  /** false: stop after the gradients (no Adam, no step count): the caller applies its own (gated, clipped) update. */
  update?: boolean;
  /** Encoded after each chunk's forward pass, while the residual and the codes are intact: batch statistics. */
  afterForward?: (ctx: Enc, chunk: SaeChunkView) => void;
}

/** What `afterForward` sees of one chunk: rows [r0, r0 + rows) of the batch, g = dL/dx̂ = 2(x̂ − x)/B. */
export interface SaeChunkView {
  index: number;
  r0: number;
  rows: number;
  x: GPUBufferBinding;
  gx: GPUBuffer;
  /** ReLU step: codes f [rows, m]. */
  f?: GPUBuffer;
  /** TopK step: selected latents [rows, k] (u32) and their values (first rows·k floats); BatchTopK: entries. */
  idx?: GPUBuffer;
  vals?: GPUBuffer;
  /** BatchTopK: [first entry, count] per row into idx/vals. */
  ranges?: GPUBuffer;
}

/** Pure: split-K count for the decoder f·W_dec ([rows, m]·[m, d]), whose output alone is too few tiles to fill a big GPU. */
export function decoderSplits(rows: number, d: number, m: number): number {
  const tiles = Math.ceil(rows / 128) * Math.ceil(d / 128);
  // ≈ 768 workgroups: at 2 resident 256-thread groups per SM that is ~3 full waves on a 132-SM H100.
  return Math.max(1, Math.min(Math.ceil(768 / tiles), Math.floor(m / 256)));
}

export interface SaeLoss {
  mse: number;
  aux: number;
  loss: number;
}

export class ReluSaeStep {
  readonly chunks: Array<[number, number]>;
  private readonly splits: number;
  private readonly bufs: Record<string, GPUBuffer> = {};
  private readonly adamU: GPUBuffer;
  private readonly lamU: GPUBuffer;
  private lambda: number;
  private lastLambda = 0;
  private bandwidth: number;
  private readonly jump: boolean;
  /** The 'threshold' activation's θ buffer (forward only). */
  private readonly theta?: GPUBuffer;
  private adam: AdamHyper;
  private readonly update: boolean;
  private readonly afterForward?: ReluSaeOptions['afterForward'];

  constructor(
    private readonly s: SaeState,
    opts: ReluSaeOptions,
  ) {
    const { device, d, m } = s;
    const B = opts.batch;
    this.lambda = opts.lambda;
    this.jump = opts.activation === 'jumprelu';
    if (opts.activation === 'threshold') {
      if (!opts.theta) throw new Error("a 'threshold' step needs its θ buffer");
      this.theta = opts.theta;
    }
    this.bandwidth = opts.bandwidth ?? 0.05;
    if (this.jump && s.layout.logTheta === null) throw new Error('a JumpReLU step needs an SAE state with log θ');
    this.adam = opts.adam;
    this.update = opts.update ?? true;
    this.afterForward = opts.afterForward;
    this.chunks = batchChunks(B, m, device.limits.maxStorageBufferBindingSize, opts.maxChunkRows);
    const bc = this.chunks[0][1];
    const gm = matmulGeometry(
      { M: bc, N: d, K: m, transA: false, transB: false, splitK: decoderSplits(bc, d, m) },
      device.limits,
    );
    this.splits = gm.splits;
    const mk = (name: string, n: number) => (this.bufs[name] = storageBuffer(device, n, `relu-sae.${name}`));
    mk('xc', bc * d);
    mk('f', bc * m);
    mk('part', this.splits * bc * d);
    mk('gx', bc * d);
    mk('rowErr', B);
    mk('norms', m);
    mk('colF', m);
    mk('colFTotal', m);
    mk('rowScale', m);
    mk('colAdd', m);
    mk('gbEnc', m);
    mk('colGx', d);
    mk('scratch', Math.max(colSumScratch(bc, m), colSumScratch(bc, d)));
    this.adamU = uniformBuffer(device, adamUniforms(this.adam, 1).buffer, 'relu-sae.adam');
    this.lamU = uniformBuffer(device, new Float32Array(4).buffer, 'relu-sae.lambda');
    // JumpReLU: pre-activations beside the gated codes, the straight-through ∂L/∂θ, the L0 count, [λ/B, ε].
    if (this.theta) mk('pre', bc * m);
    if (this.jump) {
      mk('pre', bc * m);
      mk('dTheta', m);
      mk('fired', m);
      mk('firedL1', m);
      mk('jumpHyper', 4);
    }
  }

  /** Hyperparameters take effect from the next step; nothing recompiles. */
  setHyper(h: { lambda?: number; bandwidth?: number; adam?: Partial<AdamHyper> }): void {
    if (h.lambda !== undefined) this.lambda = h.lambda;
    if (h.bandwidth !== undefined) this.bandwidth = h.bandwidth;
    if (h.adam) this.adam = { ...this.adam, ...h.adam };
  }

  /** Encodes and submits one step on x [batch, d] (f32). Returns at once; the GPU works on. */
  step(x: GPUBuffer, timer?: Enc['timer']): void {
    if (this.theta) throw new Error("a 'threshold' step runs forward only (it has no gradient of θ)");
    const { device } = this.s;
    const s = this.s;
    if (this.update) {
      s.t += 1;
      device.queue.writeBuffer(this.adamU, 0, adamUniforms(this.adam, s.t));
    }
    this.lastLambda = this.lambda;
    device.queue.writeBuffer(this.lamU, 0, new Float32Array([this.lambda / this.batch, 0, 0, 0]));
    if (this.jump)
      device.queue.writeBuffer(this.bufs.jumpHyper, 0, Float32Array.of(this.lambda / this.batch, this.bandwidth, 0, 0));
    const enc = device.createCommandEncoder();
    this.encode({ device, enc, timer }, x);
    device.queue.submit([enc.finish()]);
  }

  private get batch(): number {
    const c = this.chunks[this.chunks.length - 1];
    return c[0] + c[1];
  }

  /** Inference on x [batch, d]: codes, reconstruction and afterForward's statistics; no gradients, no update. */
  forward(x: GPUBuffer): void {
    const { device } = this.s;
    const enc = device.createCommandEncoder();
    this.encode({ device, enc }, x, true);
    device.queue.submit([enc.finish()]);
  }

  /** The codes f [rows, m] of the last forward pass (a single-chunk batch: inference chunks are small). */
  readCodes(): Promise<Float32Array> {
    if (this.chunks.length !== 1) throw new Error('readCodes: the batch spans several chunks');
    return readF32(this.s.device, this.bufs.f, this.batch * this.s.m);
  }

  private encode(ctx: Enc, x: GPUBuffer, forwardOnly = false): void {
    const { d, m, grads: G } = this.s;
    const s = this.s,
      b = this.bufs,
      B = this.batch;
    if (!this.jump && !forwardOnly) encodeRowNorm(ctx, s.wDec(), m, d, b.norms, false, 'norms');
    this.chunks.forEach(([r0, bc], ci) => {
      const acc = ci > 0;
      const xv = view(x, r0 * d, bc * d);
      encodeSubRow(ctx, xv, s.bDec(), b.xc, bc, d, 'center');
      if (this.jump || this.theta) {
        encodeMatmul(
          ctx,
          { M: bc, N: m, K: d, transA: false, transB: false, epilogue: { kind: 'bias', relu: false } },
          b.xc,
          s.wEnc(),
          b.pre,
          [s.bEnc()],
          'enc x·W_enc',
        );
        if (this.theta) encodeThresholdGate(ctx, b.pre, this.theta, b.f, bc, m, false);
        else encodeThresholdGate(ctx, b.pre, s.logTheta(), b.f, bc, m, true, 'jump gate');
      } else {
        encodeMatmul(
          ctx,
          { M: bc, N: m, K: d, transA: false, transB: false, epilogue: { kind: 'bias', relu: true } },
          b.xc,
          s.wEnc(),
          b.f,
          [s.bEnc()],
          'enc x·W_enc',
        );
      }
      encodeMatmul(
        ctx,
        { M: bc, N: d, K: m, transA: false, transB: false, splitK: this.splits },
        b.f,
        s.wDec(),
        b.part,
        [],
        'dec f·W_dec',
      );
      encodeResidual(ctx, b.part, this.splits, s.bDec(), xv, b.gx, view(b.rowErr, r0, bc), bc, d, B, 'residual');
      this.afterForward?.(ctx, { index: ci, r0, rows: bc, x: xv, gx: b.gx, f: b.f });
      if (forwardOnly) return;
      if (this.jump) {
        encodeDenseFires(ctx, b.f, b.fired, b.firedL1, bc, m, acc, 'jump L0');
        encodeMatmul(
          ctx,
          { M: m, N: d, K: bc, transA: true, transB: false, accumulate: acc },
          b.f,
          b.gx,
          s.wDec(G),
          [],
          'gW_dec fᵀ·g',
        );
        // In place: f's buffer becomes g_pre and pre's the per-element ∂L/∂θ terms, summed per latent below.
        encodeMatmul(
          ctx,
          { M: bc, N: m, K: d, transA: false, transB: true, epilogue: { kind: 'jumpBackward' } },
          b.gx,
          s.wDec(),
          b.f,
          [b.pre, s.logTheta(), b.jumpHyper],
          'g_pre g·W_decᵀ',
        );
        encodeColSum(ctx, b.pre, bc, m, b.dTheta, b.scratch, false, 'colsum ∂θ');
        encodeLogThetaGrad(ctx, b.dTheta, s.logTheta(), s.logTheta(G), m, acc);
      } else {
        encodeColSum(ctx, b.f, bc, m, b.colF, b.scratch, false, 'colsum f');
        encodeL1Terms(ctx, b.colF, b.norms, this.lamU, b.rowScale, b.colAdd, b.colFTotal, m, acc, 'l1terms');
        encodeMatmul(
          ctx,
          { M: m, N: d, K: bc, transA: true, transB: false, epilogue: { kind: 'addRowScaled' }, accumulate: acc },
          b.f,
          b.gx,
          s.wDec(G),
          [b.rowScale, s.wDec()],
          'gW_dec fᵀ·g',
        );
        // ReLU backward in place: f's buffer becomes g_pre (f > 0 is read before it is overwritten).
        encodeMatmul(
          ctx,
          { M: bc, N: m, K: d, transA: false, transB: true, epilogue: { kind: 'maskAddCol' } },
          b.gx,
          s.wDec(),
          b.f,
          [b.colAdd],
          'g_pre g·W_decᵀ',
        );
      }
      encodeMatmul(
        ctx,
        { M: d, N: m, K: bc, transA: true, transB: false, accumulate: acc },
        b.xc,
        b.f,
        s.wEnc(G),
        [],
        'gW_enc xcᵀ·g_pre',
      );
      // Σ_b g_pre goes to its own buffer: WebGPU forbids binding G read-only and writable in one dispatch.
      encodeColSum(ctx, b.f, bc, m, b.gbEnc, b.scratch, false, 'colsum g_pre');
      encodeColSum(ctx, b.gx, bc, d, b.colGx, b.scratch, false, 'colsum g');
      encodeRowDot(ctx, s.wEnc(), b.gbEnc, b.colGx, s.bDec(G), d, m, acc, 'gb_dec');
      if (acc) encodeAddInto(ctx, b.gbEnc, s.bEnc(G), m, 'gb_enc add');
      else ctx.enc.copyBufferToBuffer(b.gbEnc, 0, G, s.layout.bEnc * 4, m * 4);
    });
    if (this.update && !forwardOnly) encodeAdam(ctx, s.layout.total, s.params, G, s.adamM, s.adamV, this.adamU, 'adam');
  }

  /** Loss of the most recent step, at the parameters it started from (summed on the host in f64). */
  async readLoss(): Promise<SaeLoss> {
    const { device, m } = this.s;
    const B = this.batch;
    if (this.jump) {
      const [rowErr, fired] = await Promise.all([
        readF32(device, this.bufs.rowErr, B),
        readU32(device, this.bufs.fired, m),
      ]);
      let se = 0,
        l0 = 0;
      for (const v of rowErr) se += v;
      for (const v of fired) l0 += v;
      const mse = se / B,
        aux = (this.lastLambda / B) * l0;
      return { mse, aux, loss: mse + aux };
    }
    const [rowErr, colF, norms] = await Promise.all([
      readF32(device, this.bufs.rowErr, B),
      readF32(device, this.bufs.colFTotal, m),
      readF32(device, this.bufs.norms, m),
    ]);
    let se = 0,
      l1 = 0;
    for (const v of rowErr) se += v;
    for (let i = 0; i < m; i++) l1 += colF[i] * norms[i];
    const mse = se / B,
      aux = (this.lastLambda / B) * l1;
    return { mse, aux, loss: mse + aux };
  }

  destroy(): void {
    for (const b of Object.values(this.bufs)) b.destroy();
    this.adamU.destroy();
    this.lamU.destroy();
  }
}
