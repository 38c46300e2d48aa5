// The CPU engine's closed-form and ingestion workloads against numpy/scikit-learn on this machine, in one run:
// a multinomial logistic fit to convergence (trainLogisticProbe on the CPU engine vs StandardScaler +
// LogisticRegression lbfgs, same data, split, C and tolerance), the host eigensolver vs numpy.linalg.eigh on the
// same f64 matrices, and .npy/.safetensors ingestion from memory vs numpy.load and a plain copy. The data go to
// bench/reference/numpy_linalg.py as files in a scratch folder, so both sides see the same bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEngine } from '../src/engine/create-engine';
import { installWasmHostKernels, WasmHostKernels } from '../src/engine/cpu/kernels/host-f64';
import { nodeHostThreads } from '../src/engine/cpu/kernels/node-host-threads';
import { enableRelaxedSimd } from '../src/engine/cpu/kernels/node-relaxed-simd';
import { hostKernels, useHostKernels } from '../src/core/math/host-kernels';
import { symmetricEigen } from '../src/core/math/linalg';
import { DEFAULT_LOGISTIC, trainLogisticProbe } from '../src/core/probes/logistic';
import { bytesSource } from '../src/core/formats/byte-source';
import { nodeFileSource } from '../src/core/formats/node-source';
import { openNpy } from '../src/core/formats/npy';
import { writeNpyF32 } from '../src/core/formats/npy-writer';
import { openSafetensors } from '../src/core/formats/safetensors';
import { writeSafetensors } from '../src/core/formats/safetensors-writer';
import { benchSplit, probeData } from './logistic';
import { best, randomF32, round } from './timing';

export interface CpuBenchOptions {
  sections: string[];
  eigenSizes?: number[];
  logistic?: { N: number; d: number; classes: number; C: number };
  ingest?: { rows: number; cols: number };
}

function symmetricMatrix(n: number, seed: number): Float64Array {
  const u = randomF32(n * n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = u[i * n + j];
  return a;
}

const bytesOf = (a: Float32Array | Float64Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export async function benchCpu(opts: CpuBenchOptions, log: (msg: string) => void) {
  const has = (s: string) => opts.sections.includes(s);
  // Node 20 keeps relaxed SIMD behind a flag: set it before any kernel module compiles, as the CLI does.
  enableRelaxedSimd();
  const dir = mkdtempSync(join(tmpdir(), 'probelab-bench-cpu-'));
  const out: Record<string, unknown> = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverageAtStart: loadavg().map((v) => round(v, 3)),
  };
  const spec: Record<string, unknown> = { dir };
  const L = { N: 640, d: 512, classes: 16, C: 1, ...opts.logistic };
  const split = benchSplit(L.N);
  const logisticData = has('cpu.logistic') ? probeData(L.N, L.d, L.classes) : undefined;
  if (logisticData) {
    writeFileSync(join(dir, 'logistic_x.f32'), bytesOf(logisticData.x));
    writeFileSync(join(dir, 'logistic_y.i32'), bytesOf(logisticData.y));
    spec.logistic = {
      N: L.N,
      d: L.d,
      nTrain: split.train.length,
      C: L.C,
      tol: DEFAULT_LOGISTIC.tol,
      maxIter: DEFAULT_LOGISTIC.maxIter,
      reps: 3,
    };
  }
  const eigenSizes = has('cpu.eigen') ? (opts.eigenSizes ?? [1024, 4096]) : [];
  const matrices = new Map<number, Float64Array>();
  for (const n of eigenSizes) {
    matrices.set(n, symmetricMatrix(n, n));
    writeFileSync(join(dir, `eigen_${n}.f64`), bytesOf(matrices.get(n)!));
  }
  if (eigenSizes.length) spec.eigen = eigenSizes;
  const I = { rows: 65536, cols: 256, ...opts.ingest };
  let npy: Uint8Array | undefined;
  let st: Uint8Array | undefined;
  if (has('cpu.ingest')) {
    const data = randomF32(I.rows * I.cols, 11);
    npy = writeNpyF32(data, [I.rows, I.cols]);
    st = writeSafetensors([{ name: 'acts', shape: [I.rows, I.cols], data }]);
    writeFileSync(join(dir, 'ingest.npy'), npy);
    writeFileSync(join(dir, 'ingest.safetensors'), st);
    spec.ingest = { reps: 5 };
  }
  log('cpu: numpy/scikit-learn reference');
  const numpy = JSON.parse(
    execFileSync('/usr/bin/python3', [resolve('bench/reference/numpy_linalg.py'), JSON.stringify(spec)], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    }),
  );
  out.reference = { numpy: numpy.numpy, sklearn: numpy.sklearn, blas: numpy.blas };
  // The same eigh with OpenBLAS on one thread: a per-core comparison beside numpy's default (all cores).
  const numpyOneThread = eigenSizes.length
    ? JSON.parse(
        execFileSync(
          '/usr/bin/python3',
          [resolve('bench/reference/numpy_linalg.py'), JSON.stringify({ dir, eigen: eigenSizes })],
          {
            encoding: 'utf8',
            maxBuffer: 1 << 24,
            env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
          },
        ),
      )
    : undefined;

  if (logisticData) {
    log('cpu: logistic fit');
    const { engine } = await createEngine('cpu');
    const classes = Array.from({ length: L.classes }, (_, i) => `c${i}`);
    const dataset = { x: logisticData.x, rows: L.N, cols: L.d, labels: logisticData.y, classes };
    const config = { ...DEFAULT_LOGISTIC, C: L.C };
    await trainLogisticProbe(engine, dataset, split, { ...config, maxIter: 2 }); // warm-up (JIT, wasm compile)
    const runs = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      const fit = await trainLogisticProbe(engine, dataset, split, config);
      runs.push({ ms: performance.now() - t0, iterations: fit.iterations, testAccuracy: fit.test.accuracy });
    }
    const ms = Math.min(...runs.map((r) => r.ms));
    out.logistic = {
      workload: `multinomial N=${L.N} (train ${split.train.length}) d=${L.d} K=${L.classes}, C=${L.C}, tol=${config.tol}`,
      engine: engine.info.implementation,
      precision: 'f32 GEMMs (WebAssembly SIMD), f64 per-row softmax and sums, f64 L-BFGS',
      ours: { ms: round(ms, 4), runs: runs.map((r) => ({ ...r, ms: round(r.ms, 4) })) },
      sklearn: numpy.logistic,
      // < 1 is faster than scikit-learn; the target is ≤ 2 (fit time, z-scoring and held-out metrics on both sides).
      oursOverSklearnMs: round(ms / numpy.logistic.ms, 3),
    };
  }

  if (eigenSizes.length) {
    // Both sides on all cores and on one: numpy's OpenBLAS threads against our helper threads, and one OpenBLAS
    // thread against our kernels without helpers (the same results bit for bit).
    const kernels = installWasmHostKernels(nodeHostThreads());
    const team = hostKernels();
    if (!/×\d+$/.test(kernels)) log(`cpu: the host kernels (${kernels}) have no helper threads on this machine`);
    const solo = new WasmHostKernels();
    symmetricEigen(symmetricMatrix(128, 1), 128); // JIT warm-up
    const rows = [];
    for (const n of eigenSizes) {
      log(`cpu: eigen d=${n}`);
      const a = matrices.get(n)!;
      const reps = n > 1024 ? 1 : 4;
      const ms = await best(reps, () => symmetricEigen(a, n));
      useHostKernels(solo);
      const ms1 = await best(reps, () => symmetricEigen(a, n));
      useHostKernels(team);
      const np = numpy.eigen[String(n)].ms;
      const np1 = numpyOneThread.eigen[String(n)].ms;
      rows.push({
        n,
        oursMs: round(ms, 4),
        numpyMs: round(np, 4),
        oursOverNumpyMs: round(ms / np, 3),
        oursOneThreadMs: round(ms1, 4),
        numpyOneThreadMs: round(np1, 4),
        oursOverNumpyOneThreadMs: round(ms1 / np1, 3),
      });
    }
    out.eigen = {
      method: `symmetricEigen (f64, host kernels ${kernels}; oneThread: the same kernels without helpers): blocked Householder + divide and conquer + WY back-transform`,
      sizes: rows,
    };
  }

  if (npy && st) {
    log('cpu: ingestion');
    const bytes = I.rows * I.cols * 4;
    const reps = 5;
    const readNpy = async () => (await openNpy(bytesSource('bench.npy', npy!))).readF32();
    const npyFirstMs = await best(1, readNpy);
    const npyMs = await best(reps, readNpy);
    const stMs = await best(reps, async () =>
      (await openSafetensors(bytesSource('b.safetensors', st!))).tensors[0].readF32(),
    );
    const fileMs = await best(reps, async () => {
      const src = await nodeFileSource(join(dir, 'ingest.npy'));
      await (await openNpy(src)).readF32();
      await src.close();
    });
    const view = new Float32Array(npy.buffer, npy.byteOffset + 128, I.rows * I.cols);
    const copyMs = await best(reps, () => new Float32Array(view.length).set(view));
    const gbps = (ms: number) => round(bytes / ms / 1e6, 4);
    const n = numpy.ingest;
    out.ingest = {
      rows: I.rows,
      cols: I.cols,
      bytes,
      method: `open + readF32 from an in-memory ByteSource (best of ${reps}); file: the CLI's node file source (page cache)`,
      GBps: {
        npyFirst: gbps(npyFirstMs),
        npy: gbps(npyMs),
        safetensors: gbps(stMs),
        npyFromFile: gbps(fileMs),
        jsCopy: gbps(copyMs),
        numpyLoadFirst: gbps(n.numpyLoadFirstMs),
        numpyLoad: gbps(n.numpyLoadMs),
        numpyLoadSmallPages: n.numpyLoadSmallPagesMs ? gbps(n.numpyLoadSmallPagesMs) : null,
        numpySafetensors: gbps(n.safetensorsMs),
        numpyCopy: gbps(n.copyMs),
        numpyCopyInto: gbps(n.copyIntoMs),
      },
      // ≥ 1: at least as fast as numpy (the target).
      npyOverNumpyLoad: round(n.numpyLoadMs / npyMs, 3),
      npyOverNumpyLoadFirst: round(n.numpyLoadFirstMs / npyFirstMs, 3),
      npyOverNumpyLoadSmallPages: n.numpyLoadSmallPagesMs ? round(n.numpyLoadSmallPagesMs / npyMs, 3) : null,
      safetensorsOverNumpy: round(n.safetensorsMs / stMs, 3),
    };
  }
  out.loadAverageAtEnd = loadavg().map((v) => round(v, 3));
  rmSync(dir, { recursive: true, force: true });
  return out;
}
