// Buffer helpers: create, upload, read back, and check a binding against the device's real limits.
// A function, not a module constant: in Node the GPUBufferUsage global only exists once WebGPU is installed.
export const storageUsage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Throws, naming the buffer, when one binding of `bytes` would exceed what the device can bind. */
export function checkBinding(device: GPUDevice, bytes: number, name: string): void {
  const max = device.limits.maxStorageBufferBindingSize;
  if (bytes > max) throw new Error(`invalid binding ${name}: ${bytes} bytes > maxStorageBufferBindingSize ${max}`);
  if (bytes > device.limits.maxBufferSize)
    throw new Error(`invalid buffer ${name}: ${bytes} bytes > maxBufferSize ${device.limits.maxBufferSize}`);
}

/** A zero-filled f32/u32 storage buffer of `count` 4-byte elements (at least 16 bytes: empty bindings are invalid). */
export function storageBuffer(device: GPUDevice, count: number, label: string): GPUBuffer {
  const size = Math.max(16, Math.ceil((count * 4) / 16) * 16);
  checkBinding(device, size, label);
  return device.createBuffer({ size, usage: storageUsage(), label });
}

export function uploadBuffer(
  device: GPUDevice,
  data: Float32Array | Uint32Array | Int32Array,
  label: string,
): GPUBuffer {
  const buf = storageBuffer(device, data.length, label);
  device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
  return buf;
}

export function uniformBuffer(device: GPUDevice, words: ArrayBuffer, label: string): GPUBuffer {
  const buf = device.createBuffer({
    size: Math.max(16, Math.ceil(words.byteLength / 16) * 16),
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    label,
  });
  device.queue.writeBuffer(buf, 0, words);
  return buf;
}

/** Copies `count` f32 from `src` at element `offset` and maps them back; the staging buffer is freed. */
export async function readF32(device: GPUDevice, src: GPUBuffer, count: number, offset = 0): Promise<Float32Array> {
  const bytes = count * 4;
  const staging = device.createBuffer({
    size: Math.max(4, bytes),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, offset * 4, staging, 0, bytes);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return out;
}

export async function readU32(device: GPUDevice, src: GPUBuffer, count: number): Promise<Uint32Array> {
  const f = await readF32(device, src, count);
  return new Uint32Array(f.buffer);
}

/** A compute pipeline cache keyed by the generated WGSL, so each shape variant compiles once per device. */
const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();
export function pipelineFor(device: GPUDevice, code: string, label: string): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  let p = cache.get(code);
  if (!p) {
    p = device.createComputePipeline({
      layout: 'auto',
      label,
      compute: { module: device.createShaderModule({ code, label }), entryPoint: 'main' },
    });
    cache.set(code, p);
  }
  return p;
}

export type Binding = GPUBuffer | { buffer: GPUBuffer; offset?: number; size?: number };

/** A sub-range binding of `count` 4-byte elements at element offset `at` (offsets must end up 256-byte aligned). */
export function view(buffer: GPUBuffer, at: number, count: number): GPUBufferBinding {
  return { buffer, offset: at * 4, size: Math.max(4, count) * 4 };
}

/** What a kernel needs to encode work: the device, an open encoder, and optionally a per-pass timer. */
export interface Enc {
  device: GPUDevice;
  enc: GPUCommandEncoder;
  timer?: { writes(name: string): GPUComputePassTimestampWrites | undefined };
}

const isBuffer = (b: Binding): b is GPUBuffer => typeof (b as GPUBuffer).mapAsync === 'function';

/** Encodes one dispatch with bindings 0..n−1 in order, in its own compute pass so the timer can time it. */
export function dispatch(
  ctx: Enc,
  pipeline: GPUComputePipeline,
  bindings: Binding[],
  groups: [number, number?, number?],
  name: string,
): void {
  const { device, enc } = ctx;
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: bindings.map((b, i) => ({ binding: i, resource: isBuffer(b) ? { buffer: b } : b })),
  });
  const timestampWrites = ctx.timer?.writes(name);
  const pass = enc.beginComputePass(timestampWrites ? { timestampWrites, label: name } : { label: name });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
  pass.end();
}

/** Encodes with `fill`, submits, and resolves when the GPU has finished. */
export async function submitAndWait(device: GPUDevice, fill: (ctx: Enc) => void, timer?: Enc['timer']): Promise<void> {
  const enc = device.createCommandEncoder();
  fill({ device, enc, timer });
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
}
