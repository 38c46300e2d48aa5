// The one place that reads WebGPU availability and adapter limits and creates the device. The device is
// created with the adapter's real limits (not WebGPU's small defaults) and shared by tfjs and raw WGSL.

export interface GpuDeviceHandle {
  device: GPUDevice;
  adapterInfo: GPUAdapterInfo | undefined;
  /** Human-readable adapter name for the UI, e.g. "google swiftshader (SwiftShader Device)". */
  description: string;
  isSoftware: boolean;
}

export type GpuAcquireResult = { ok: true; gpu: GpuDeviceHandle } | { ok: false; reason: string };

const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeInvocationsPerWorkgroup',
  'maxStorageBuffersPerShaderStage',
] as const;

const WANTED_FEATURES: GPUFeatureName[] = ['timestamp-query', 'subgroups' as GPUFeatureName];

export async function acquireGpuDevice(onLost?: (info: GPUDeviceLostInfo) => void): Promise<GpuAcquireResult> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) return { ok: false, reason: 'this browser exposes no WebGPU (navigator.gpu is missing)' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { ok: false, reason: `requestAdapter failed: ${(e as Error).message}` };
  }
  if (!adapter)
    return { ok: false, reason: 'WebGPU is present but no adapter was offered (GPU blocklisted or disabled)' };
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  } catch (e) {
    return { ok: false, reason: `requestDevice failed: ${(e as Error).message}` };
  }
  if (onLost) void device.lost.then(onLost);
  const info = adapter.info as GPUAdapterInfo | undefined;
  const description =
    [info?.vendor, info?.architecture, info?.description && `(${info.description})`].filter(Boolean).join(' ') ||
    'unknown adapter';
  const isSoftware =
    /swiftshader|llvmpipe|lavapipe|software/i.test(`${info?.vendor} ${info?.architecture} ${info?.description}`) ||
    Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter);
  return { ok: true, gpu: { device, adapterInfo: info, description, isSoftware } };
}
