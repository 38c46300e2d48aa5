// Several WGSL SAE trainers stepping on one batch (a sweep's members on one stream). The batch is written to the
// device once and every member's step reads it. Members of one shape whose step is sparse and in one chunk (TopK,
// BatchTopK, ReLU's sparse step) share one encoder matmul: (x − b_dec^z)·W_enc^z + b_enc^z for every member z in
// a single batched dispatch over their stacked encoders, each member's slab then copied into its own f, where its
// step goes on exactly as alone (same kernels, same per-element summation order, so the same bits). Every member's
// step is submitted before any is read back, so the device is never idle waiting on the host between members.
import type { SaeGroupMember, SaeStepGroup, StepResult } from '../../core/engine/sae-trainer';
import { storageBuffer } from './gpu/buffers';
import { encodeMatmul } from './kernels/matmul';
import { WgslSaeTrainer, type PreparedStep } from './sae-trainer';

export interface WgslStepGroupOptions {
  /** One batched encoder matmul per shape (default); false steps members alone on the shared batch (benchmarks). */
  fuseEncoders?: boolean;
}

interface FusedBuffers {
  /** Stacked W_enc [n, d, m], b_enc [n, m], b_dec [n, d], pre-activations [n, rows, m]. */
  wEnc: GPUBuffer;
  bEnc: GPUBuffer;
  bDec: GPUBuffer;
  f: GPUBuffer;
}

export class WgslSaeStepGroup implements SaeStepGroup {
  private x: GPUBuffer | null = null;
  private xFloats = 0;
  /** Stacking buffers by `n d m rows`: kept between steps, as a sweep's groups rarely change. */
  private readonly fused = new Map<string, FusedBuffers>();
  /** Members whose encoder ran in a batched matmul in the last step (tests and benchmarks check fusion happened). */
  lastFusedMembers = 0;

  constructor(
    readonly device: GPUDevice,
    private readonly opts: WgslStepGroupOptions = {},
  ) {}

  async step(x: Float32Array, rows: number, members: SaeGroupMember[]): Promise<StepResult[]> {
    const ours = members.map((m) =>
      m.trainer instanceof WgslSaeTrainer && m.trainer.device === this.device ? m.trainer : null,
    );
    const results: Array<Promise<StepResult> | StepResult> = new Array(members.length);
    // A member on another trainer (an architecture the WGSL kernels lack) steps alone, first.
    for (const [i, m] of members.entries()) if (!ours[i]) results[i] = await m.trainer.step(x, rows, m.hyper, m.dead);
    const grouped = members.flatMap((m, i) => (ours[i] ? [{ i, m, t: ours[i] }] : []));
    if (grouped.length === 0) return results as StepResult[];
    const d = grouped[0].t.shape.dIn;
    if (x.length < rows * d) throw new Error(`invalid batch: ${x.length} values for ${rows} rows of ${d}`);
    const xBuf = this.upload(x, rows * d);
    const prepared = grouped.map(({ m, t }) => t.prepareStep(rows, m.hyper));
    const encoded = new Set<number>();
    const used = new Set<string>();
    if (this.opts.fuseEncoders !== false) {
      // Same (d, m) and a fusable step: one batched encoder per shape, in slabs that fit one binding.
      const byShape = new Map<string, number[]>();
      grouped.forEach(({ t }, j) => {
        if (!prepared[j].activations || t.shape.dIn !== d) return;
        const key = `${t.shape.dSae}`;
        byShape.set(key, [...(byShape.get(key) ?? []), j]);
      });
      for (const js of byShape.values()) {
        const m = grouped[js[0]].t.shape.dSae;
        const per = Math.floor(this.device.limits.maxStorageBufferBindingSize / (4 * m * Math.max(rows, d)));
        for (let a = 0; per >= 2 && a < js.length; a += per) {
          const part = js.slice(a, a + per);
          if (part.length < 2) continue;
          used.add(
            this.encodeFused(
              xBuf,
              rows,
              d,
              m,
              part.map((j) => ({ t: grouped[j].t, p: prepared[j] })),
            ),
          );
          for (const j of part) encoded.add(j);
        }
      }
    }
    // Stacking buffers of groups that no longer exist (members ended or joined) are freed.
    for (const [key, b] of this.fused)
      if (!used.has(key)) {
        for (const buf of [b.wEnc, b.bEnc, b.bDec, b.f]) buf.destroy();
        this.fused.delete(key);
      }
    this.lastFusedMembers = encoded.size;
    const pending = grouped.map(({ m, t }, j) => t.submitStep(prepared[j], x, xBuf, m.dead, encoded.has(j)));
    const finished = await Promise.all(grouped.map(({ t }, j) => t.finishStep(pending[j])));
    grouped.forEach(({ i }, j) => (results[i] = finished[j]));
    return results as StepResult[];
  }

  private upload(x: Float32Array, floats: number): GPUBuffer {
    if (!this.x || this.xFloats < floats) {
      this.x?.destroy();
      this.x = storageBuffer(this.device, floats, 'sae-group.x');
      this.xFloats = floats;
    }
    this.device.queue.writeBuffer(this.x, 0, x.buffer, x.byteOffset, floats * 4);
    return this.x;
  }

  /**
   * Stacks the members' encoders, runs one batched matmul, and copies each member's slab into its own f; returns
   * the key of the stacking buffers it used.
   */
  private encodeFused(
    x: GPUBuffer,
    rows: number,
    d: number,
    m: number,
    members: Array<{ t: WgslSaeTrainer; p: PreparedStep }>,
  ): string {
    const n = members.length;
    const key = `${n} ${d} ${m} ${rows}`;
    let b = this.fused.get(key);
    if (!b) {
      b = {
        wEnc: storageBuffer(this.device, n * d * m, 'sae-group.wEnc'),
        bEnc: storageBuffer(this.device, n * m, 'sae-group.bEnc'),
        bDec: storageBuffer(this.device, n * d, 'sae-group.bDec'),
        f: storageBuffer(this.device, n * rows * m, 'sae-group.f'),
      };
      this.fused.set(key, b);
    }
    const enc = this.device.createCommandEncoder();
    members.forEach(({ t }, z) => {
      const s = t.deviceState,
        L = s.layout;
      enc.copyBufferToBuffer(s.params, L.wEnc * 4, b.wEnc, z * d * m * 4, d * m * 4);
      enc.copyBufferToBuffer(s.params, L.bEnc * 4, b.bEnc, z * m * 4, m * 4);
      enc.copyBufferToBuffer(s.params, L.bDec * 4, b.bDec, z * d * 4, d * 4);
    });
    encodeMatmul(
      { device: this.device, enc },
      {
        M: rows,
        N: m,
        K: d,
        transA: false,
        transB: false,
        epilogue: { kind: 'bias', relu: true },
        batch: { count: n, centre: true },
      },
      x,
      b.wEnc,
      b.f,
      [b.bEnc, b.bDec],
      'enc x·W_enc (fused)',
    );
    members.forEach(({ p }, z) => enc.copyBufferToBuffer(b.f, z * rows * m * 4, p.activations!, 0, rows * m * 4));
    this.device.queue.submit([enc.finish()]);
    return key;
  }

  dispose(): void {
    this.x?.destroy();
    this.x = null;
    for (const b of this.fused.values()) for (const buf of [b.wEnc, b.bEnc, b.bDec, b.f]) buf.destroy();
    this.fused.clear();
  }
}
