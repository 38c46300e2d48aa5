// Whether a second thread pays for the CPU engine's dense GEMMs: the five GEMMs of a dense SAE step (B = 256) on
// one thread against the same calls split by rows of C across a worker_threads worker over a shared
// WebAssembly.Memory (the FMA kernels with the memory imported as shared), alternating per round so load hits both
// alike. The hand-off is claim-based: the main thread computes the second half itself when the worker has not
// claimed it yet, so a descheduled worker costs no wait. Not in the product (the host's f64 kernels do use helper threads, host-team.ts): on the 2 shared cores it did not pay.
import { Worker } from 'node:worker_threads';
import { kernelModule } from '../src/engine/cpu/kernels/heap';
import { enableRelaxedSimd } from '../src/engine/cpu/kernels/node-relaxed-simd';
import { round } from './timing';

/** Control words: 0 posted job, 1 last claimed job, 2 last finished job, 3..11 the worker's gemm arguments. */
const WORKER = `
const { workerData } = require('node:worker_threads');
const k = new WebAssembly.Instance(workerData.mod, { env: { memory: workerData.memory } }).exports;
const c = new Int32Array(workerData.memory.buffer, 0, 16);
let seen = 0;
for (;;) {
  Atomics.wait(c, 0, seen);
  seen = Atomics.load(c, 0);
  if (seen < 0) break;
  if (Atomics.compareExchange(c, 1, seen - 1, seen) === seen - 1) {
    k.gemm(c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11]);
    Atomics.store(c, 2, seen);
    Atomics.notify(c, 2);
  }
}`;

type Gemm = (a: number, aRow: number, aK: number, b: number, c: number, M: number, K: number, N: number) => void;
const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];

export async function benchCpuThreads(shapes: Array<[number, number, number]>, rounds = 30) {
  if (!enableRelaxedSimd()) throw new Error('cpu.threads needs relaxed SIMD');
  const mod = kernelModule('fma', true);
  const memory = new WebAssembly.Memory({ initial: 1200, maximum: 65536, shared: true });
  const k = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as {
    gemm: (...args: number[]) => void;
  };
  const ctrl = new Int32Array(memory.buffer, 0, 16);
  const worker = new Worker(WORKER, { eval: true, workerData: { mod, memory } });
  await new Promise((r) => setTimeout(r, 300));
  let seq = 0,
    handed = 0,
    takenBack = 0;
  const one: Gemm = (a, aRow, aK, b, c, M, K, N) => k.gemm(a, aRow, aK, b, c, M, K, N, 0);
  const two: Gemm = (a, aRow, aK, b, c, M, K, N) => {
    const M1 = (M >> 3) << 2;
    const s = ++seq;
    ctrl.set([a + 4 * M1 * aRow, aRow, aK, b, c + 4 * M1 * N, M - M1, K, N, 0], 3);
    Atomics.store(ctrl, 0, s);
    Atomics.notify(ctrl, 0);
    k.gemm(a, aRow, aK, b, c, M1, K, N, 0);
    if (Atomics.compareExchange(ctrl, 1, s - 1, s) === s - 1) {
      takenBack++;
      k.gemm(ctrl[3], aRow, aK, b, ctrl[7], M - M1, K, N, 0);
      return;
    }
    handed++;
    while (Atomics.load(ctrl, 2) !== s) Atomics.wait(ctrl, 2, Atomics.load(ctrl, 2));
  };
  const f = new Float32Array(memory.buffer);
  const out = [];
  for (const [B, d, m] of shapes) {
    let top = 64;
    const al = (n: number) => ((top += 4 * n + 64), top - 4 * n - 64);
    const [x, wEnc, pre, wDec, xh, wDecT, gPre, gWd, gWe] = [
      B * d,
      d * m,
      B * m,
      m * d,
      B * d,
      d * m,
      B * m,
      m * d,
      d * m,
    ].map(al);
    for (let i = 16; i < top / 4; i++) f[i] = Math.sin(i) * 0.1;
    const step = (g: Gemm) => {
      const t0 = performance.now();
      g(x, d, 1, wEnc, pre, B, d, m); // x·W_enc
      g(pre, m, 1, wDec, xh, B, m, d); // f·W_dec
      g(xh, d, 1, wDecT, gPre, B, d, m); // g·W_decᵀ (transposed copy)
      g(pre, 1, m, xh, gWd, m, B, d); // fᵀ·g
      g(x, 1, d, gPre, gWe, d, B, m); // xᵀ·g_pre
      return performance.now() - t0;
    };
    // Disjoint row blocks through the same micro-kernel: the split must not change a bit of any output.
    const outputs = () =>
      [pre, xh, gPre, gWd, gWe].flatMap((o, i) =>
        Array.from(f.subarray(o / 4, o / 4 + [B * m, B * d, B * m, m * d, d * m][i])),
      );
    step(one);
    const single = outputs();
    step(two);
    const identical = outputs().every((v, i) => Object.is(v, single[i]));
    for (let r = 0; r < 3; r++) {
      step(one);
      step(two);
    }
    const t1: number[] = [],
      t2: number[] = [],
      ratio: number[] = [];
    handed = takenBack = 0;
    const n = m > 1000 ? rounds >> 1 : rounds * 4;
    for (let r = 0; r < n; r++) {
      const a = step(one),
        b = step(two);
      t1.push(a);
      t2.push(b);
      ratio.push(a / b);
    }
    out.push({
      shape: `B=${B} d=${d} m=${m}`,
      rounds: n,
      oneThreadMs: round(median(t1)),
      twoThreadsMs: round(median(t2)),
      bestOneThreadMs: round(Math.min(...t1)),
      bestTwoThreadsMs: round(Math.min(...t2)),
      speedup: round(median(ratio), 3),
      identical,
      halvesHandedToWorker: handed,
      halvesTakenBack: takenBack,
    });
  }
  Atomics.store(ctrl, 0, -1);
  Atomics.notify(ctrl, 0);
  await worker.terminate();
  return out;
}
