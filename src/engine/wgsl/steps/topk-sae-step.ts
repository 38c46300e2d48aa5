// One training step of a sparse-coded SAE, f32: dense encoder matmul, GPU selection, sparse gather decoder, and
// a sparse backward that touches only the active latents (≈ 2dm + ~10kd FLOP per token instead of 12dm).
// Selections: 'row' (TopK: top-k per row), 'batch' (BatchTopK: every activation above the batch's (k·B)-th
// largest, batch-topk.ts), 'positive' (ReLU + L1 once its codes are sparse: every positive activation, up to a
// capacity; the L1 terms ride in the sparse backward, and an overflow is reported for the caller to redo the
// step densely).
// Decoder rows stay unit-norm: the parallel gradient component is removed, rows renormalized after Adam.
// AuxK (OpenAI; α > 0 and some latent dead) runs the same sparse machinery a second time: top-k_aux among the
// dead latents, a gather decode of the main residual, and a sparse backward accumulated into the gradients.
import { readF32, readU32, storageBuffer, uniformBuffer, view, type Enc } from '../gpu/buffers';
import { encodeAuxScale } from '../kernels/auxk';
import {
  batchEntryCapacity,
  encodeBatchEmit,
  encodeBatchHist,
  encodeBatchSelect,
  initialSelection,
  positiveSelection,
  selectionOutcome,
} from '../kernels/batch-topk';
import { adamUniforms, encodeAdam, type AdamHyper } from '../kernels/adam';
import { batchChunks } from '../gpu/batch-chunks';
import { colSumScratch, encodeColSum } from '../kernels/colsum';
import { encodeCsr } from '../kernels/csr';
import { encodeAddInto, encodeSubRow } from '../kernels/elementwise';
import { encodeMatmul } from '../kernels/matmul';
import { encodeRowDot } from '../kernels/rowdot';
import { encodeRowNorm } from '../kernels/rownorm';
import type { SaeState } from './sae-state';
import { encodeAuxDecode, encodeSparseDecode } from '../kernels/sparse-decode';
import { encodeSparseGrads, l1Slots } from '../kernels/sparse-grads';
import { encodeTopK } from '../kernels/topk';
import type { ReluSaeOptions, SaeLoss } from './relu-sae-step';

export interface TopKSaeOptions {
  batch: number;
  k: number;
  /** 'row': k latents per row (TopK); 'batch': k·B over the whole batch (BatchTopK); 'positive': ReLU. Default 'row'. */
  selection?: 'row' | 'batch' | 'positive';
  /** 'positive': entry capacity per row of the batch (the batch holds B times this many). */
  entriesPerRow?: number;
  /** 'positive': the L1 coefficient λ (live through setHyper). */
  lambda?: number;
  /** Renormalise decoder rows at construction (default true); false when the caller keeps them unit-norm. */
  normalizeDecoder?: boolean;
  adam: AdamHyper;
  maxChunkRows?: number;
  /** false: gradients only (no Adam, no renorm, no step count); the caller updates. See ReluSaeOptions. */
  update?: boolean;
  afterForward?: ReluSaeOptions['afterForward'];
  /** k_aux, the most dead latents AuxK uses per row (capped at m); 0 or absent: no AuxK buffers. */
  auxK?: number;
}

/** One step's AuxK inputs: dead latents (1 = dead, [m]) and the weight α. */
export interface AuxKInput {
  dead: Uint8Array;
  alpha: number;
}

export class TopKSaeStep {
  readonly chunks: Array<[number, number]>;
  private readonly bufs: Record<string, GPUBuffer> = {};
  private readonly adamU: GPUBuffer;
  private adam: AdamHyper;
  private readonly kAux: number;
  /** α of the last step when its AuxK ran, else 0. */
  private auxAlpha = 0;
  /** Entries listed with their rows (BatchTopK, ReLU) rather than k fixed slots per row (TopK). */
  private readonly listed: boolean;
  private readonly selection: 'row' | 'batch' | 'positive';
  /** Entries per chunk: rows·k slots (TopK) or the batch capacity (BatchTopK, ReLU). */
  private readonly entries: number;
  private lambda: number;
  /** This step's pre-activations are already in f (a sweep's fused encoder wrote them): centre x only. */
  private preEncoded = false;

  constructor(
    private readonly s: SaeState,
    private readonly opts: TopKSaeOptions,
  ) {
    const { device, d, m } = s;
    const { batch: B, k } = opts;
    if (!(k >= 1 && k <= m)) throw new Error(`invalid k: ${k} (m = ${m})`);
    this.kAux = Math.min(Math.max(0, Math.floor(opts.auxK ?? 0)), m);
    this.adam = opts.adam;
    this.chunks = batchChunks(B, m, device.limits.maxStorageBufferBindingSize, opts.maxChunkRows);
    const bc = this.chunks[0][1];
    this.selection = opts.selection ?? 'row';
    this.listed = this.selection !== 'row';
    this.lambda = opts.lambda ?? 0;
    const perRow = opts.entriesPerRow ?? 0;
    if (this.selection === 'positive' && !(Number.isInteger(perRow) && perRow >= 1))
      throw new Error(`invalid entriesPerRow: ${perRow}`);
    const E = (this.entries =
      this.selection === 'batch' ? batchEntryCapacity(k, B) : this.selection === 'positive' ? perRow * B : bc * k);
    const mk = (name: string, n: number) => (this.bufs[name] = storageBuffer(device, n, `topk-sae.${name}`));
    // ReLU's vals also carry λ/B and the per-latent L1 terms after val and g_val (sparse-grads.ts).
    mk('xc', bc * d);
    mk('f', bc * m);
    mk('gx', bc * d);
    mk('rowErr', B);
    mk('idx', E);
    mk('vals', this.selection === 'positive' ? l1Slots(E).terms + m : 2 * E);
    // Listed entries' csr also holds each entry's row after the lists.
    mk('counts', m);
    mk('cursor', m);
    mk('csr', m + 1 + E + (this.listed ? E : 0));
    mk('gbEnc', m);
    mk('colGx', d);
    mk('norms', m);
    mk('scratch', colSumScratch(bc, d));
    if (this.listed) {
      mk('sel', 8);
      mk('hist', 256);
      mk('ranges', 2 * bc);
      mk('counter', 4);
    }
    if (this.kAux > 0) {
      const kA = this.kAux;
      mk('dead', m);
      mk('auxScale', 4);
      mk('rowAux', B);
      mk('gE', bc * d);
      mk('idxA', bc * kA);
      mk('valsA', 2 * bc * kA);
      mk('csrA', m + 1 + bc * kA);
      mk('gbEncA', m);
    }
    this.adamU = uniformBuffer(device, adamUniforms(this.adam, 1).buffer, 'topk-sae.adam');
    // TopK variants start from unit-norm decoder rows, the invariant every step keeps (ReLU's rows are free).
    if (this.selection === 'positive' || opts.normalizeDecoder === false) return;
    const enc = device.createCommandEncoder();
    encodeRowNorm({ device, enc }, s.wDec(), m, d, this.bufs.norms, true, 'renorm');
    device.queue.submit([enc.finish()]);
  }

  setHyper(h: { adam?: Partial<AdamHyper>; lambda?: number }): void {
    if (h.adam) this.adam = { ...this.adam, ...h.adam };
    if (h.lambda !== undefined) this.lambda = h.lambda;
  }

  /**
   * Encodes and submits one step. `aux` runs AuxK when α > 0 and some latent is dead; it needs `auxK` > 0 at
   * construction. `encoded`: f already holds ReLU(x_c·W_enc + b_enc) of this very x and these weights (a fused
   * encoder over several SAEs, sae-step-group.ts), so the encoder matmul is skipped; one chunk only.
   */
  step(x: GPUBuffer, timer?: Enc['timer'], aux?: AuxKInput, encoded = false): void {
    const { device, m } = this.s;
    if (encoded && this.chunks.length > 1) throw new Error('a pre-encoded step needs the batch in one chunk');
    if (this.opts.update !== false) {
      this.s.t += 1;
      device.queue.writeBuffer(this.adamU, 0, adamUniforms(this.adam, this.s.t));
    }
    const runAux = !!aux && aux.alpha > 0 && aux.dead.some((v) => v === 1);
    if (runAux && this.kAux === 0) throw new Error('AuxK requested from a TopK step built without auxK');
    if (runAux) {
      if (aux.dead.length !== m) throw new Error(`invalid dead mask: ${aux.dead.length} latents, expected ${m}`);
      device.queue.writeBuffer(this.bufs.dead, 0, Uint32Array.from(aux.dead));
      device.queue.writeBuffer(this.bufs.auxScale, 0, Float32Array.of(0, 0, aux.alpha, 0));
    }
    this.auxAlpha = runAux ? aux.alpha : 0;
    if (this.selection === 'batch')
      device.queue.writeBuffer(this.bufs.sel, 0, initialSelection(this.opts.k, this.opts.batch, m));
    if (this.selection === 'positive') {
      device.queue.writeBuffer(this.bufs.sel, 0, positiveSelection());
      device.queue.writeBuffer(
        this.bufs.vals,
        l1Slots(this.entries).lambdaOverB * 4,
        Float32Array.of(this.lambda / this.opts.batch),
      );
    }
    const enc = device.createCommandEncoder();
    this.preEncoded = encoded;
    try {
      this.encode({ device, enc, timer }, x, runAux);
    } finally {
      this.preEncoded = false;
    }
    device.queue.submit([enc.finish()]);
  }

  /** The pre-activation buffer f [rows of a chunk, m] a fused encoder fills before a pre-encoded step. */
  get activations(): GPUBuffer {
    return this.bufs.f;
  }

  /**
   * Inference on x [batch, d] with the per-row selection: codes, reconstruction and afterForward's statistics;
   * no gradients, no update (readTopK gives the codes).
   */
  forward(x: GPUBuffer): void {
    if (this.selection !== 'row') throw new Error('forward: inference runs the per-row TopK selection only');
    const { device } = this.s;
    const enc = device.createCommandEncoder();
    this.encode({ device, enc }, x, false, true);
    device.queue.submit([enc.finish()]);
  }

  /** Centres a chunk and encodes it: f = ReLU((x − b_dec)·W_enc + b_enc). */
  private encodeEncoder(ctx: Enc, x: GPUBuffer, r0: number, bc: number): GPUBufferBinding {
    const { d, m } = this.s;
    const s = this.s,
      b = this.bufs;
    const xv = view(x, r0 * d, bc * d);
    encodeSubRow(ctx, xv, s.bDec(), b.xc, bc, d, 'center');
    if (this.preEncoded) return xv;
    encodeMatmul(
      ctx,
      { M: bc, N: m, K: d, transA: false, transB: false, epilogue: { kind: 'bias', relu: true } },
      b.xc,
      s.wEnc(),
      b.f,
      [s.bEnc()],
      'enc x·W_enc',
    );
    return xv;
  }

  /** Selects the chunk's active latents from f and decodes them, leaving g = (2/B)(x̂ − x) in gx. */
  private encodeSelectDecode(ctx: Enc, xv: GPUBufferBinding, r0: number, bc: number): void {
    const { d, m } = this.s;
    const s = this.s,
      b = this.bufs,
      { k, batch: B } = this.opts,
      E = this.entries;
    if (this.listed) {
      for (const buf of [b.idx, b.csr, b.counter]) ctx.enc.clearBuffer(buf);
      ctx.enc.clearBuffer(b.vals, 0, 2 * E * 4); // not ReLU's λ/B and loss terms beyond

      encodeBatchEmit(
        ctx,
        b.f,
        b.sel,
        { entLat: b.idx, entVal: b.vals, csr: b.csr, ranges: b.ranges, counter: b.counter },
        bc,
        m,
        E,
      );
      encodeSparseDecode(
        ctx,
        b.idx,
        b.vals,
        s.wDec(),
        s.bDec(),
        xv,
        b.gx,
        view(b.rowErr, r0, bc),
        bc,
        d,
        { kind: 'ranges', cap: E },
        B,
        'sparse decode',
        b.ranges,
      );
    } else {
      encodeTopK(ctx, b.f, bc, m, k, b.idx, b.vals, 'topk');
      encodeSparseDecode(
        ctx,
        b.idx,
        b.vals,
        s.wDec(),
        s.bDec(),
        xv,
        b.gx,
        view(b.rowErr, r0, bc),
        bc,
        d,
        { kind: 'fixed', k },
        B,
        'sparse decode',
      );
    }
  }

  /**
   * BatchTopK's threshold: four radix rounds over the whole batch's activations. One chunk is encoded once and
   * kept in f for the main pass; with several, each round encodes every chunk again (f holds one chunk).
   * Returns whether f still holds the (single) chunk's activations.
   */
  private encodeBatchThreshold(ctx: Enc, x: GPUBuffer): boolean {
    const { m } = this.s,
      b = this.bufs,
      single = this.chunks.length === 1;
    if (single) this.encodeEncoder(ctx, x, 0, this.chunks[0][1]);
    for (let round = 0; round < 4; round++) {
      ctx.enc.clearBuffer(b.hist);
      for (const [r0, bc] of this.chunks) {
        if (!single) this.encodeEncoder(ctx, x, r0, bc);
        encodeBatchHist(ctx, b.f, bc * m, b.sel, b.hist, round);
      }
      encodeBatchSelect(ctx, b.hist, b.sel, round);
    }
    return single;
  }

  private encode(ctx: Enc, x: GPUBuffer, runAux: boolean, forwardOnly = false): void {
    const { d, m, grads: G } = this.s;
    const s = this.s,
      b = this.bufs,
      { batch: B } = this.opts;
    const rowsOf = this.listed ? { kind: 'listed' as const } : { kind: 'fixed' as const, k: this.opts.k };
    // One BatchTopK chunk stays encoded from the threshold rounds (unless the AuxK pre-pass below reuses f).
    let encoded = this.selection === 'batch' && this.encodeBatchThreshold(ctx, x);
    // AuxK's normaliser is over the whole batch: with several chunks it needs every chunk's residual first.
    const auxPrepass = runAux && this.chunks.length > 1;
    if (auxPrepass) {
      encoded = false;
      this.chunks.forEach(([r0, bc], ci) => {
        this.encodeSelectDecode(ctx, this.encodeEncoder(ctx, x, r0, bc), r0, bc);
        encodeColSum(ctx, b.gx, bc, d, b.colGx, b.scratch, ci > 0, 'auxk colsum g');
      });
      encodeAuxScale(ctx, b.rowErr, b.colGx, b.auxScale, B, d);
    }
    this.chunks.forEach(([r0, bc], ci) => {
      const acc = ci > 0;
      const xv = encoded ? view(x, r0 * d, bc * d) : this.encodeEncoder(ctx, x, r0, bc);
      encoded = false;
      this.encodeSelectDecode(ctx, xv, r0, bc);
      this.opts.afterForward?.(ctx, {
        index: ci,
        r0,
        rows: bc,
        x: xv,
        gx: b.gx,
        idx: b.idx,
        vals: b.vals,
        ranges: this.listed ? b.ranges : undefined,
      });
      if (forwardOnly) return;
      const n = this.listed ? this.entries : bc * this.opts.k;
      encodeCsr(ctx, b.idx, n, m, { counts: b.counts, csr: b.csr, cursor: b.cursor });
      encodeSparseGrads(
        ctx,
        b.csr,
        b.vals,
        b.gx,
        b.xc,
        s.wDec(),
        s.wDec(G),
        s.wEnc(G),
        b.gbEnc,
        m,
        d,
        rowsOf,
        n,
        acc,
        'sparse grads',
        this.selection === 'positive' ? 'l1' : 'unit',
      );
      encodeColSum(ctx, b.gx, bc, d, b.colGx, b.scratch, false, 'colsum g');
      if (runAux) {
        if (!auxPrepass) encodeAuxScale(ctx, b.rowErr, b.colGx, b.auxScale, B, d);
        this.encodeAuxChunk(ctx, r0, bc);
      }
      encodeRowDot(ctx, s.wEnc(), b.gbEnc, b.colGx, s.bDec(G), d, m, acc, 'gb_dec');
      if (acc) encodeAddInto(ctx, b.gbEnc, s.bEnc(G), m, 'gb_enc add');
      else ctx.enc.copyBufferToBuffer(b.gbEnc, 0, G, s.layout.bEnc * 4, m * 4);
    });
    if (this.opts.update === false || forwardOnly) return;
    encodeAdam(ctx, s.layout.total, s.params, G, s.adamM, s.adamV, this.adamU, 'adam');
    if (this.selection !== 'positive') encodeRowNorm(ctx, s.wDec(), m, d, b.norms, true, 'renorm');
  }

  /**
   * AuxK for one chunk after its main backward: top-k_aux among dead latents of the same activations, decode of
   * the main residual, and the sparse backward accumulated into ∂W_dec and ∂W_enc; its ∂b_enc joins gbEnc, so
   * ∂b_dec (− W_enc·∂b_enc) includes it too.
   */
  private encodeAuxChunk(ctx: Enc, r0: number, bc: number): void {
    const { d, m, grads: G } = this.s;
    const s = this.s,
      b = this.bufs,
      kA = this.kAux,
      E = bc * kA;
    encodeTopK(ctx, b.f, bc, m, kA, b.idxA, b.valsA, 'auxk topk', b.dead);
    encodeAuxDecode(
      ctx,
      b.idxA,
      b.valsA,
      s.wDec(),
      b.auxScale,
      b.gx,
      b.gE,
      view(b.rowAux, r0, bc),
      bc,
      d,
      kA,
      this.opts.batch,
    );
    encodeCsr(ctx, b.idxA, E, m, { counts: b.counts, csr: b.csrA, cursor: b.cursor });
    encodeSparseGrads(
      ctx,
      b.csrA,
      b.valsA,
      b.gE,
      b.xc,
      s.wDec(),
      s.wDec(G),
      s.wEnc(G),
      b.gbEncA,
      m,
      d,
      { kind: 'fixed', k: kA },
      E,
      true,
      'auxk sparse grads',
    );
    encodeAddInto(ctx, b.gbEncA, b.gbEnc, m, 'auxk gb_enc');
  }

  /** Loss terms of the most recent step: MSE, and α·Σ‖e − ê‖²/Σ‖e − ē‖² when its AuxK ran (f64 sums on the host). */
  async readLoss(): Promise<SaeLoss> {
    const B = this.opts.batch;
    const [rowErr, rowAux, scale] = await Promise.all([
      readF32(this.s.device, this.bufs.rowErr, B),
      this.auxAlpha > 0 ? readF32(this.s.device, this.bufs.rowAux, B) : null,
      this.auxAlpha > 0 ? readF32(this.s.device, this.bufs.auxScale, 4) : null,
    ]);
    let se = 0;
    for (const v of rowErr) se += v;
    let aux = 0;
    if (this.selection === 'positive') {
      const at = l1Slots(this.entries).terms;
      for (const v of await readF32(this.s.device, this.bufs.vals, this.s.m, at)) aux += v;
    }
    if (rowAux && scale && scale[1] > 0) {
      let sa = 0;
      for (const v of rowAux) sa += v;
      aux = (this.auxAlpha * sa) / scale[1];
    }
    return { mse: se / B, aux, loss: se / B + aux };
  }

  /**
   * Listed selections: the smallest activation the last step kept (null when none was positive; BatchTopK's EMA
   * threshold follows it) and, when a chunk had more entries than the capacity, how many (0 otherwise: a step
   * that overflowed dropped entries, so its gradients must not be applied).
   */
  async readSelection(): Promise<{ minKept: number | null; overflowEntries: number; capacity: number }> {
    if (!this.listed) throw new Error('readSelection: this is a per-row TopK step');
    return { ...selectionOutcome(await readU32(this.s.device, this.bufs.sel, 8)), capacity: this.entries };
  }

  /** Listed selections: the selection state buffer (the trainer's update checks it for overflow on the device). */
  get selectionBuffer(): GPUBuffer {
    if (!this.listed) throw new Error('selectionBuffer: this is a per-row TopK step');
    return this.bufs.sel;
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
