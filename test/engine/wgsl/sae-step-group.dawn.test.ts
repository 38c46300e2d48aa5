// A group step of several WGSL SAE trainers on one batch (one upload, one batched encoder matmul per shape) leaves
// every member exactly where its own steps would, and the batched, centred matmul equals the f64 product per member
// and, bit for bit, the separate centring pass and matmul a single step runs. Tiny shapes: SwiftShader is slow.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SaeHyper, SaeShape } from '../../../src/core/engine/sae-trainer';
import type { SaeArchitecture } from '../../../src/core/sae/config';
import { createEngine } from '../../../src/engine/create-engine';
import { readF32, submitAndWait, uploadBuffer } from '../../../src/engine/wgsl/gpu/buffers';
import { encodeSubRow } from '../../../src/engine/wgsl/kernels/elementwise';
import { encodeMatmul, type MatmulSpec } from '../../../src/engine/wgsl/kernels/matmul';
import { WgslSaeStepGroup } from '../../../src/engine/wgsl/sae-step-group';
import { WgslSaeTrainer } from '../../../src/engine/wgsl/sae-trainer';
import { HYPER, problem } from '../../support/sae-grad-cases';
import { noGpuErrors, randn, rng } from './helpers';

let device: GPUDevice;
beforeAll(async () => {
  device = (await createEngine('webgpu')).gpu!.device;
});

describe('batched centred encoder matmul', () => {
  for (const [M, K, N] of [
    [32, 8, 32],
    [37, 6, 45],
  ])
    it(`each product equals f64 and the centre-then-matmul path exactly (${M}×${K}·${K}×${N}, 3 products)`, async () => {
      const count = 3,
        r = rng(M + N);
      const x = randn(M * K, r),
        w = randn(count * K * N, r),
        bias = randn(count * N, r),
        ctr = randn(count * K, r);
      const bufs = [x, w, bias, ctr].map((a, i) => uploadBuffer(device, a, `in${i}`));
      const out = uploadBuffer(device, new Float32Array(count * M * N), 'out');
      const spec: MatmulSpec = { M, N, K, transA: false, transB: false, epilogue: { kind: 'bias', relu: true } };
      const batched = await noGpuErrors(device, async () => {
        await submitAndWait(device, (ctx) =>
          encodeMatmul(ctx, { ...spec, batch: { count, centre: true } }, bufs[0], bufs[1], out, [bufs[2], bufs[3]]),
        );
        return readF32(device, out, count * M * N);
      });
      for (let z = 0; z < count; z++) {
        // The single step's path: x − c stored by the centring pass, then the plain matmul with this z's weights.
        const xc = uploadBuffer(device, new Float32Array(M * K), 'xc');
        const one = uploadBuffer(device, new Float32Array(M * N), 'one');
        const [wz, bz, cz] = [w.slice(z * K * N, (z + 1) * K * N), bias.slice(z * N, (z + 1) * N), ctr.slice(z * K)];
        const zb = [wz, bz, cz].map((a, i) => uploadBuffer(device, a, `z${i}`));
        await submitAndWait(device, (ctx) => {
          encodeSubRow(ctx, bufs[0], zb[2], xc, M, K);
          encodeMatmul(ctx, spec, xc, zb[0], one, [zb[1]]);
        });
        const single = await readF32(device, one, M * N);
        const slab = batched.subarray(z * M * N, (z + 1) * M * N);
        expect(Array.from(slab)).toEqual(Array.from(single));
        let worst = 0;
        for (let i = 0; i < M; i++)
          for (let j = 0; j < N; j++) {
            let v = bz[j];
            for (let k = 0; k < K; k++) v += (x[i * K + k] - cz[k]) * wz[k * N + j];
            worst = Math.max(worst, Math.abs(Math.max(v, 0) - slab[i * N + j]));
          }
        expect(worst).toBeLessThan(1e-5 * Math.sqrt(K) * 4);
        for (const b of [xc, one, ...zb]) b.destroy();
      }
      for (const b of [...bufs, out]) b.destroy();
    });
});

describe('WGSL SAE group step', () => {
  const B = 32,
    d = 8,
    m = 32;
  /** Each member: its architecture, init seed and settings (k, lr, λ differ as in a sweep). */
  const members: Array<{ arch: SaeArchitecture; seed: number; h: Partial<SaeHyper> }> = [
    { arch: 'topk', seed: 1, h: { k: 3 } },
    { arch: 'topk', seed: 2, h: { k: 5, lr: 3e-3 } },
    { arch: 'topk', seed: 3, h: { k: 4, auxKCoefficient: 0 } },
    { arch: 'batchtopk', seed: 4, h: { k: 3 } },
    { arch: 'relu', seed: 5, h: { sparsity: 0.05 } },
    { arch: 'jumprelu', seed: 6, h: { sparsity: 0.05 } },
  ];
  // Listed selections (BatchTopK, ReLU's sparse step) count entries with atomics, so their order (and the f32
  // sums over entries) may differ from run to run even alone: equal to f32 rounding there, bit for bit elsewhere.
  const exact = (arch: SaeArchitecture) => arch === 'topk' || arch === 'jumprelu';
  const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((w, v, i) => Math.max(w, Math.abs(v - b[i])), 0);
  const hyperOf = (h: Partial<SaeHyper>): SaeHyper => ({ ...HYPER, lr: 1e-2, ...h });
  const make = (arch: SaeArchitecture, seed: number, sparseRelu: boolean) => {
    const shape: SaeShape = { architecture: arch, dIn: d, dSae: m };
    const opts = arch === 'relu' && sparseRelu ? { reluPath: { entriesPerRow: 16 } } : {};
    return new WgslSaeTrainer(device, shape, problem(arch, seed, B, d, m).init, opts);
  };

  for (const fuseEncoders of [true, false])
    it(`every member ends where its own steps take it (${fuseEncoders ? 'fused encoders' : 'shared batch only'})`, async () => {
      const steps = 4;
      const batches = Array.from({ length: steps }, (_, s) => problem('topk', 100 + s, B, d, m).x);
      // A dead mask so AuxK runs for the members that use it (half the latents marked dead).
      const dead = Uint8Array.from({ length: m }, (_, i) => i % 2);
      const group = new WgslSaeStepGroup(device, { fuseEncoders });
      const grouped = members.map((c) => make(c.arch, c.seed, true));
      const alone = members.map((c) => make(c.arch, c.seed, true));
      await noGpuErrors(device, async () => {
        for (const x of batches) {
          const rs = await group.step(
            x,
            B,
            grouped.map((t, i) => ({ trainer: t, hyper: hyperOf(members[i].h), dead })),
          );
          // TopK ×3, BatchTopK and ReLU's sparse step share m: fused; JumpReLU's dense step is not.
          expect(group.lastFusedMembers).toBe(fuseEncoders ? 5 : 0);
          for (const [i, t] of alone.entries()) {
            const r = await t.step(x, B, hyperOf(members[i].h), dead);
            const what = members[i].arch;
            if (exact(what)) {
              expect(rs[i].loss, `${what} loss`).toBe(r.loss);
              expect(rs[i].gradNorm, `${what} grad norm`).toBe(r.gradNorm);
            } else {
              expect(Math.abs(rs[i].loss - r.loss), `${what} loss`).toBeLessThanOrEqual(1e-5 * r.loss);
              expect(Math.abs(rs[i].gradNorm - r.gradNorm), `${what} grad`).toBeLessThanOrEqual(1e-5 * r.gradNorm);
            }
            expect(rs[i].finite).toBe(true);
          }
        }
      });
      for (const [i, t] of grouped.entries()) {
        const [a, b] = [await t.read(), await alone[i].read()];
        expect(t.steps).toBe(steps);
        const what = members[i].arch;
        for (const key of ['wEnc', 'bEnc', 'wDec', 'bDec'] as const)
          if (exact(what)) expect(Array.from(a[key]), `${what} ${key}`).toEqual(Array.from(b[key]));
          else expect(maxAbsDiff(a[key], b[key]), `${what} ${key}`).toBeLessThanOrEqual(1e-5);
        if (b.threshold) expect(maxAbsDiff(a.threshold!, b.threshold), `${what} θ`).toBeLessThanOrEqual(1e-5);
      }
      for (const t of [...grouped, ...alone]) t.dispose();
      group.dispose();
    }, 300_000);
});
