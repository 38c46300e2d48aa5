// A resumable mulberry32: the same sequence as core/math/rng's createRng, with its 32-bit state readable and
// settable, so a checkpoint can hold the SAE batch stream's position and a resumed run draws the same batches.

export class ResumableRng {
  constructor(public state: number) {
    this.state >>>= 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
