// Wall-clock timing of GPU work: warm up, then time `reps` submissions up to onSubmittedWorkDone.
export async function timeGpu(device: GPUDevice, run: () => void, reps: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) run();
  await device.queue.onSubmittedWorkDone();
  // Keep the GPU busy for ≥ 0.5 s first: an idle GPU's clocks take a while to ramp up.
  const w0 = performance.now();
  while (performance.now() - w0 < 500) {
    run();
    await device.queue.onSubmittedWorkDone();
  }
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) run();
  await device.queue.onSubmittedWorkDone();
  return (performance.now() - t0) / reps; // ms per rep
}

export function randomF32(n: number, seed: number, scale = 1): Float32Array {
  // xorshift + Box–Muller: deterministic inputs, quick for the benchmark's large arrays
  let s = seed >>> 0 || 1;
  const u = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u())) * scale,
      t = 2 * Math.PI * u();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

export const round = (x: number, digits = 3) => Number(x.toPrecision(digits));

/** The fastest of `reps` runs of `run`, in ms (each awaited). */
export async function best(reps: number, run: () => Promise<unknown> | unknown): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await run();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}
