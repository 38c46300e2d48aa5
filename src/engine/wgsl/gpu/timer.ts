// Per-kernel GPU time from timestamp queries: each named compute pass gets a begin/end pair, summed by name.
import type { Enc } from './buffers';

export class PassTimer implements NonNullable<Enc['timer']> {
  private readonly set: GPUQuerySet;
  private readonly resolveBuf: GPUBuffer;
  private names: string[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly capacity = 256,
  ) {
    if (!device.features.has('timestamp-query')) throw new Error('PassTimer needs the timestamp-query feature');
    this.set = device.createQuerySet({ type: 'timestamp', count: capacity * 2 });
    this.resolveBuf = device.createBuffer({
      size: capacity * 16,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
  }

  writes(name: string): GPUComputePassTimestampWrites | undefined {
    const i = this.names.length;
    if (i >= this.capacity) return undefined; // past capacity, passes simply go untimed
    this.names.push(name);
    return { querySet: this.set, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Resolves and reads the timed passes; returns milliseconds summed per name, then resets. */
  async read(): Promise<Record<string, number>> {
    const n = this.names.length;
    const out: Record<string, number> = {};
    if (n === 0) return out;
    const staging = this.device.createBuffer({
      size: n * 16,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const enc = this.device.createCommandEncoder();
    enc.resolveQuerySet(this.set, 0, 2 * n, this.resolveBuf, 0);
    enc.copyBufferToBuffer(this.resolveBuf, 0, staging, 0, n * 16);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const t = new BigInt64Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    for (let i = 0; i < n; i++) {
      const ms = Number(t[2 * i + 1] - t[2 * i]) / 1e6;
      out[this.names[i]] = (out[this.names[i]] ?? 0) + (ms > 0 ? ms : 0);
    }
    this.names = [];
    return out;
  }

  destroy(): void {
    this.set.destroy();
    this.resolveBuf.destroy();
  }
}
