// The Engine on raw WGSL over the same GPUDevice tfjs uses: matrices live as row chunks (each within
// maxStorageBufferBindingSize), the linear objective is one fused kernel plus one readback (or, past
// MAX_OUTPUTS = 16 classes, where the fused kernel's per-thread accumulators would spill, matmuls per block of
// rows: wgsl/linear-objective-matmul.ts), scores are one kernel per chunk, centredGram/rowQuadraticForm run on
// WGSL blocks of rows (wgsl/centred-moments.ts) and knnCosine on WGSL tiles (wgsl/knn-cosine.ts): no workload
// copies X into tfjs. The tfjs engine on the same device (the reference implementation, which evaluates imported
// dictionaries and resumes tfjs checkpoints) is owned here and disposed with it.
import type {
  CentredGram,
  DeviceMatrix,
  Engine,
  EngineInfo,
  KnnCosineOptions,
  LinearObjective,
  SaeTrainerStart,
} from '../../core/engine/engine';
import type { SaeShape, SaeStepGroup, SaeTrainer } from '../../core/engine/sae-trainer';
import { WgslSaeTrainer, wgslSaeSupports } from './sae-trainer';
import { WgslSaeStepGroup } from './sae-step-group';
import { wgslCentredGram, wgslRowQuadraticForm } from './steps/centred-moments';
import { wgslKnnCosine } from './steps/knn-cosine';
import { createWgslLinearObjective, MAX_OUTPUTS, uploadWgslMatrix, type WgslMatrix } from './steps/linear-objective';
import { createWgslMatmulObjective } from './steps/linear-objective-matmul';
import { wgslLinearScores } from './steps/linear-scores';

export interface WgslEngineOptions {
  /** Largest X chunk in bytes; defaults to the device's maxStorageBufferBindingSize (tests force it small). */
  maxChunkBytes?: number;
}

class WgslEngineMatrix implements DeviceMatrix {
  constructor(readonly gpu: WgslMatrix) {}
  get rows() {
    return this.gpu.rows;
  }
  get cols() {
    return this.gpu.cols;
  }
  dispose() {
    this.gpu.dispose();
  }
}

function matrixOf(x: DeviceMatrix): WgslEngineMatrix {
  if (!(x instanceof WgslEngineMatrix)) throw new Error('matrix was uploaded by a different engine');
  return x;
}

export class WgslEngine implements Engine {
  /**
   * @param tfjsEngine the tfjs engine on the same device, owned (disposed) by this engine.
   */
  constructor(
    readonly device: GPUDevice,
    readonly info: EngineInfo,
    private readonly tfjsEngine: Engine,
    private readonly options: WgslEngineOptions = {},
  ) {}

  uploadMatrix(data: Float32Array, rows: number, cols: number): DeviceMatrix {
    if (data.length !== rows * cols) throw new Error(`matrix data has ${data.length} values, expected ${rows}×${cols}`);
    return new WgslEngineMatrix(uploadWgslMatrix(this.device, data, rows, cols, this.options.maxChunkBytes));
  }

  /**
   * Every architecture trains on the WGSL kernels. An imported dictionary is evaluated by the tfjs trainer on the
   * same device, and a checkpoint a tfjs trainer wrote (the CPU backend, or an older run) resumes on tfjs.
   */
  saeTrainer(shape: SaeShape, start: SaeTrainerStart): SaeTrainer {
    const onTfjs =
      'evaluate' in start ||
      !wgslSaeSupports(shape.architecture) ||
      ('resume' in start && start.resume.trainer === 'tfjs');
    if (onTfjs) return this.tfjsEngine.saeTrainer(shape, start);
    if ('resume' in start) {
      const [wEnc, bEnc, wDec, bDec] = start.resume.params;
      return new WgslSaeTrainer(this.device, shape, { wEnc, bEnc, wDec, bDec }, { resume: start.resume });
    }
    return new WgslSaeTrainer(this.device, shape, start.params);
  }

  /** A sweep's members on one batch: one upload, one encoder matmul per shape, every step submitted before reading. */
  saeStepGroup(opts: { fuse?: boolean } = {}): SaeStepGroup {
    return new WgslSaeStepGroup(this.device, { fuseEncoders: opts.fuse });
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

  knnCosine(trusted: DeviceMatrix, query: DeviceMatrix, k: number, options?: KnnCosineOptions): Promise<Float32Array> {
    return wgslKnnCosine(this.device, matrixOf(trusted).gpu, matrixOf(query).gpu, k, options);
  }

  dispose(): void {
    this.tfjsEngine.dispose();
  }
}
