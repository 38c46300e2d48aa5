// Adam over tfjs variables with its state owned here: tfjs's optimizer has no public learning-rate setter, and
// live tuning must change lr/betas between steps without losing the moments. Bias corrections in f64 on the host.
import * as tf from '@tensorflow/tfjs';

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

export class TfjsAdam {
  t = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(private readonly params: tf.Variable[]) {
    this.m = params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p), false));
  }

  /** p ← p − lr·m̂/(√v̂ + ε); grads in the same order as the params. */
  apply(grads: tf.Tensor[], h: AdamHyper): void {
    this.t += 1;
    const c1 = 1 / (1 - h.beta1 ** this.t),
      c2 = 1 / (1 - h.beta2 ** this.t);
    tf.tidy(() => {
      grads.forEach((g, i) => {
        const m = this.m[i].mul(h.beta1).add(g.mul(1 - h.beta1));
        const v = this.v[i].mul(h.beta2).add(g.square().mul(1 - h.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        this.params[i].assign(this.params[i].sub(m.mul(h.lr * c1).div(v.mul(c2).sqrt().add(h.eps))));
      });
    });
  }

  /** Moments for a checkpoint, in parameter order. */
  async state(): Promise<{ t: number; m: Float32Array[]; v: Float32Array[] }> {
    return {
      t: this.t,
      m: await Promise.all(this.m.map((x) => x.data() as Promise<Float32Array>)),
      v: await Promise.all(this.v.map((x) => x.data() as Promise<Float32Array>)),
    };
  }

  restore(s: { t: number; m: Float32Array[]; v: Float32Array[] }): void {
    this.t = s.t;
    tf.tidy(() => {
      s.m.forEach((a, i) => this.m[i].assign(tf.tensor(a, this.m[i].shape)));
      s.v.forEach((a, i) => this.v[i].assign(tf.tensor(a, this.v[i].shape)));
    });
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
