// An imported dictionary as a SaeTrainer that only evaluates and encodes: TfjsSaeInference over the weights exactly
// as given (thresholds too: the trainer's log-θ parameter would round θ and cannot hold the θ = 0 a JumpReLU
// import may carry), with the training entry points refusing.
import * as tf from '@tensorflow/tfjs';
import type { SaeTrainerState } from '../../core/sae/checkpoint';
import type { MetricSums } from '../../core/sae/metrics';
import type { SaeParams } from '../../core/sae/params';
import type { SaeShape, SaeTrainer, StepResult } from '../../core/engine/sae-trainer';
import { TfjsSaeInference } from './sae/infer';

export class TfjsSaeEvaluator implements SaeTrainer {
  readonly implementation = `tfjs-${tf.getBackend()}`;
  readonly steps = 0;
  private readonly model: TfjsSaeInference;

  constructor(
    readonly shape: SaeShape,
    private readonly params: SaeParams,
    maxChunkRows = Infinity,
  ) {
    this.model = new TfjsSaeInference(shape, params, maxChunkRows);
  }

  step(): Promise<StepResult> {
    return Promise.reject(new Error('an imported dictionary is evaluated, not trained'));
  }

  evaluate(x: Float32Array, rows: number, k: number): Promise<MetricSums> {
    return this.model.evaluate(x, rows, k);
  }

  encode(x: Float32Array, rows: number, k: number): Promise<Float32Array> {
    return this.model.encode(x, rows, k);
  }

  async read(): Promise<SaeParams> {
    return this.params;
  }

  exportState(): Promise<SaeTrainerState> {
    return Promise.reject(new Error('an imported dictionary has no training state to checkpoint'));
  }

  dispose(): void {
    this.model.dispose();
  }
}
