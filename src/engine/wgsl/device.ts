// Creates a GPUDevice with the adapter's real limits (not WebGPU's small defaults) and its optional speed features.
export interface WgslDevice {
  device: GPUDevice;
  /** "vendor architecture description" as the adapter reports it. */
  adapterName: string;
  /** The adapter is a software rasterizer (SwiftShader): use tiny shapes. */
  isSoftware: boolean;
  hasTimestamps: boolean;
  hasSubgroups: boolean;
}

// The limits the kernels size themselves against; everything else stays at the default.
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage',
] as const;

export async function requestWgslDevice(gpu: GPU = navigator.gpu): Promise<WgslDevice> {
  if (!gpu) throw new Error('WebGPU unavailable: navigator.gpu is undefined');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('WebGPU unavailable: requestAdapter() returned null');
  const requiredLimits: Record<string, number> = {};
  for (const k of WANTED_LIMITS) requiredLimits[k] = adapter.limits[k];
  const requiredFeatures: GPUFeatureName[] = [];
  for (const f of ['timestamp-query', 'subgroups'] as GPUFeatureName[]) if (adapter.features.has(f)) requiredFeatures.push(f);
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const info = adapter.info;
  const adapterName = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  return {
    device,
    adapterName,
    isSoftware: /swiftshader|llvmpipe|lavapipe/i.test(adapterName) || (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
    hasTimestamps: device.features.has('timestamp-query'),
    hasSubgroups: device.features.has('subgroups'),
  };
}
