// The tfjs SAE trainer on the CPU backend: loss and raw gradients of every architecture against f64.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe } from 'vitest';
import { gradientCases } from '../../../support/sae-grad-cases';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('SAE loss and gradients on the tfjs CPU backend', () => {
  gradientCases();
});
