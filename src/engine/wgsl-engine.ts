// The Engine on raw WGSL over the same GPUDevice tfjs uses: matrices live as row chunks (each within
// maxStorageBufferBindingSize), the linear objective is one fused kernel plus one readback (or, past
// MAX_OUTPUTS = 16 classes, where the fused kernel's per-thread accumulators would spill, matmuls per block of
// rows: wgsl/linear-objective-matmul.ts), scores are one kernel per chunk, and centredGram/rowQuadraticForm run
// on WGSL blocks of rows (wgsl/centred-moments.ts). Only knnCosine has no WGSL kernel yet: it runs on the tfjs
// reference engine over the same device, with the matrix mirrored into tfjs once (read back and uploaded on
// first use, freed with the matrix), at the price of one extra copy of X on the GPU.
import type { CentredGram, DeviceMatrix, Engine, EngineInfo, KnnCosineOptions, LinearObjective } from './engine.ts';
import { readF32 } from './wgsl/buffers.ts';
import { wgslCentredGram, wgslRowQuadraticForm } from './wgsl/centred-moments.ts';
import { createWgslLinearObjective, MAX_OUTPUTS, uploadWgslMatrix, type WgslMatrix } from './wgsl/linear-objective.ts';
import { createWgslMatmulObjective } from './wgsl/linear-objective-matmul.ts';
import { wgslLinearScores } from './wgsl/linear-scores.ts';

export interface WgslEngineOptions {
  /** Largest X chunk in bytes; defaults to the device's maxStorageBufferBindingSize (tests force it small). */
  maxChunkBytes?: number;
}

class WgslEngineMatrix implements DeviceMatrix {
  private mirror?: Promise<DeviceMatrix>;
  constructor(readonly gpu: WgslMatrix, private readonly engine: WgslEngine) {}
  get rows() { return this.gpu.rows; }
  get cols() { return this.gpu.cols; }

  /** The same matrix on the fallback engine, copied on first use. */
  fallback(): Promise<DeviceMatrix> {
    this.mirror ??= this.engine.mirrorToFallback(this.gpu);
    return this.mirror;
  }

  dispose() {
    this.gpu.dispose();
    void this.mirror?.then((m) => m.dispose(), () => undefined);
  }
}

function matrixOf(x: DeviceMatrix): WgslEngineMatrix {
  if (!(x instanceof WgslEngineMatrix)) throw new Error('matrix was uploaded by a different engine');
  return x;
}

export class WgslEngine implements Engine {
  /**
   * @param fallback the tfjs engine on the same device, for the workloads listed atop this file.
   */
  constructor(
    readonly device: GPUDevice, readonly info: EngineInfo, private readonly fallbackEngine: Engine,
    private readonly options: WgslEngineOptions = {},
  ) {}

  uploadMatrix(data: Float32Array, rows: number, cols: number): DeviceMatrix {
    if (data.length !== rows * cols) throw new Error(`matrix data has ${data.length} values, expected ${rows}×${cols}`);
    return new WgslEngineMatrix(uploadWgslMatrix(this.device, data, rows, cols, this.options.maxChunkBytes), this);
  }

  linearObjective(x: DeviceMatrix, targets: Int32Array, outputs: number, rowWeights?: Float32Array): LinearObjective {
    const m = matrixOf(x);
    if (outputs <= MAX_OUTPUTS) return createWgslLinearObjective(this.device, m.gpu, targets, outputs, rowWeights);
    return createWgslMatmulObjective(this.device, m.gpu, targets, outputs, rowWeights);
  }

  linearScores(x: DeviceMatrix, params: Float32Array, outputs: number): Promise<Float32Array> {
    return wgslLinearScores(this.device, matrixOf(x).gpu, params, outputs);
  }

  centredGram(x: DeviceMatrix, mean: Float64Array): Promise<CentredGram> {
    return wgslCentredGram(this.device, matrixOf(x).gpu, mean);
  }

  rowQuadraticForm(x: DeviceMatrix, mean: Float64Array, m: Float64Array): Promise<Float32Array> {
    return wgslRowQuadraticForm(this.device, matrixOf(x).gpu, mean, m);
  }

  async knnCosine(trusted: DeviceMatrix, query: DeviceMatrix, k: number, options?: KnnCosineOptions): Promise<Float32Array> {
    // fallback() is memoised per matrix, so scoring the trusted rows against themselves mirrors them once.
    const [t, q] = await Promise.all([matrixOf(trusted).fallback(), matrixOf(query).fallback()]);
    return this.fallbackEngine.knnCosine(t, q, k, options);
  }

  /** Reads the chunks back and uploads them to the fallback engine as one matrix. */
  async mirrorToFallback(x: WgslMatrix): Promise<DeviceMatrix> {
    const host = new Float32Array(x.rows * x.cols);
    for (const c of x.chunks) host.set(await readF32(this.device, c.buffer, c.rows * x.cols), c.firstRow * x.cols);
    return this.fallbackEngine.uploadMatrix(host, x.rows, x.cols);
  }

  dispose(): void {
    this.fallbackEngine.dispose();
  }
}
