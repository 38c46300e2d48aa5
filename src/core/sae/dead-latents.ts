// Dead-latent bookkeeping: tokens (training rows) since each latent last fired, over the training stream, as
// SAELens and sparsify count them. A latent is dead once it has not fired for `window` tokens (≥, as
// dictionary_learning); the window is reported beside every dead fraction (config.ts defaultDeadWindowTokens).

export class DeadLatentTracker {
  readonly sinceFired: Float64Array;

  constructor(
    readonly m: number,
    public window: number,
  ) {
    if (!(window >= 1)) throw new Error(`invalid dead window: ${window} tokens`);
    this.sinceFired = new Float64Array(m);
  }

  /** One batch of `rows` tokens in which latent i fired fires[i] times. */
  update(fires: ArrayLike<number>, rows: number): void {
    for (let i = 0; i < this.m; i++) this.sinceFired[i] = fires[i] > 0 ? 0 : this.sinceFired[i] + rows;
  }

  /** 1 for latents with no firing in the last `window` tokens. */
  deadMask(): Uint8Array {
    return Uint8Array.from(this.sinceFired, (s) => (s >= this.window ? 1 : 0));
  }

  deadFraction(): number {
    let n = 0;
    for (const s of this.sinceFired) if (s >= this.window) n++;
    return n / this.m;
  }
}
