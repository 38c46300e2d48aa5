// The same workloads on stock tfjs 4.22 webgpu (autograd + tf.train.adam), as /work/shared/gpu/example-bench.mjs does.
import type * as Tfjs from '@tensorflow/tfjs';
import type { BenchArgs } from './args';
import { round } from './timing';

type TF = typeof Tfjs;

export async function loadTfjs(): Promise<TF> {
  const tf = (await import('@tensorflow/tfjs')) as TF;
  await import('@tensorflow/tfjs-backend-webgpu');
  await tf.setBackend('webgpu');
  await tf.ready();
  return tf;
}

async function timeTf(tf: TF, step: () => Tfjs.Tensor, steps: number): Promise<number> {
  for (let i = 0; i < 2; i++) {
    const l = step();
    await l.data();
    l.dispose();
  }
  const t0 = performance.now();
  let l = step();
  for (let i = 1; i < steps; i++) {
    l.dispose();
    l = step();
  }
  await l.data();
  l.dispose();
  return (performance.now() - t0) / steps;
}

export async function benchTfjs(tf: TF, a: BenchArgs) {
  const { B, d, m, N } = a;
  const out: Record<string, unknown> = {};
  {
    const x = tf.randomNormal([B, d]),
      w = tf.randomNormal([d, m]);
    const ms = await timeTf(tf, () => tf.tidy(() => tf.sum(tf.matMul(x, w))), a.steps * 3);
    out.matmulEnc = { ms: round(ms), gflops: round((2 * B * d * m) / ms / 1e6, 4) };
    x.dispose();
    w.dispose();
  }
  {
    const x = tf.randomNormal([B, d]);
    const Wenc = tf.variable(tf.randomNormal([d, m], 0, 0.02)),
      benc = tf.variable(tf.zeros([m]));
    const Wdec = tf.variable(tf.randomNormal([m, d], 0, 0.02)),
      bdec = tf.variable(tf.zeros([d]));
    const opt = tf.train.adam(1e-4);
    const step = () =>
      opt.minimize(() => {
        const f = tf.relu(tf.add(tf.matMul(tf.sub(x, bdec), Wenc), benc));
        const xh = tf.add(tf.matMul(f, Wdec), bdec);
        const mse = tf.mean(tf.sum(tf.square(tf.sub(xh, x)), 1));
        // Same objective as the WGSL step: penalty weighted by decoder row norms.
        return tf.add(mse, tf.mul(5, tf.mean(tf.sum(tf.mul(f, tf.norm(Wdec, 'euclidean', 1)), 1))));
      }, true)!;
    const ms = await timeTf(tf, step, a.steps);
    out.reluSae = { msPerStep: round(ms, 4), samplesPerSec: round((B * 1000) / ms, 4) };
    for (const t of [x, Wenc, benc, Wdec, bdec]) t.dispose();
    opt.dispose();
  }
  {
    const x = tf.randomNormal([N, d]);
    const y = tf.cast(tf.greater(tf.randomUniform([N, 1]), 0.5), 'float32');
    const w = tf.variable(tf.zeros([d, 1])),
      b = tf.variable(tf.zeros([1]));
    const opt = tf.train.adam(1e-2);
    const step = () =>
      opt.minimize(
        () => tf.add(tf.losses.sigmoidCrossEntropy(y, tf.add(tf.matMul(x, w), b)), tf.mul(1e-3, tf.sum(tf.square(w)))),
        true,
      )!;
    const ms = await timeTf(tf, step, a.steps);
    out.logisticStep = { N, d, msPerStep: round(ms, 4) };
    for (const t of [x, y, w, b]) t.dispose();
    opt.dispose();
  }
  return out;
}
