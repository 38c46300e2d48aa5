// The tfjs SAE trainer on the CPU backend, whole steps against f64: gradient clipping, BatchTopK's threshold
// rule and its threshold inference, and FVU on data with a large mean offset.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe } from 'vitest';
import { TfjsSaeTrainer } from '../../../../src/engine/tfjs/sae/trainer';
import { batchThresholdCase, clipCases, offsetFvuCase, type MakeTrainer } from '../../../support/sae-grad-cases';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const make = (): MakeTrainer => (shape, init) => new TfjsSaeTrainer(shape, init);

describe('tfjs SAE trainer steps against f64 (CPU backend)', () => {
  clipCases(make);
  batchThresholdCase(make);
  offsetFvuCase(make);
});
