/// <reference types="@webgpu/types" />
import { guardIntegerModulo } from "./wgsl-guards.ts";

// WebGPU for onnxruntime-web's JSEP build, on Bun (bun-webgpu: Dawn through FFI) and on Deno
// (navigator.gpu built in: wgpu, whose OpenGL backend needs guarded shaders, wgsl-guards.ts). With
// no GPU, Mesa's llvmpipe serves it in software (EGL/GLES): correct, slow.

/** The adapter the runner found, as reported to the operator. */
export interface WebGpuAdapterInfo {
  runtime: "bun-webgpu" | "deno" | "navigator.gpu";
  vendor: string;
  device: string;
  description: string;
  /** Dawn's backend (bun-webgpu only): "OpenGLES", "Vulkan", … */
  backend?: string;
}

export type WebGpuProbe =
  | { ok: true; adapter: GPUAdapter; info: WebGpuAdapterInfo }
  | { ok: false; reason: string };

/** Every limit a device may ask for (WebGPU spec order); the adapter's value is the ceiling. */
const LIMIT_NAMES = [
  "maxTextureDimension1D",
  "maxTextureDimension2D",
  "maxTextureDimension3D",
  "maxTextureArrayLayers",
  "maxBindGroups",
  "maxBindGroupsPlusVertexBuffers",
  "maxBindingsPerBindGroup",
  "maxDynamicUniformBuffersPerPipelineLayout",
  "maxDynamicStorageBuffersPerPipelineLayout",
  "maxSampledTexturesPerShaderStage",
  "maxSamplersPerShaderStage",
  "maxStorageBuffersPerShaderStage",
  "maxStorageTexturesPerShaderStage",
  "maxUniformBuffersPerShaderStage",
  "maxUniformBufferBindingSize",
  "maxStorageBufferBindingSize",
  "minUniformBufferOffsetAlignment",
  "minStorageBufferOffsetAlignment",
  "maxVertexBuffers",
  "maxBufferSize",
  "maxVertexAttributes",
  "maxVertexBufferArrayStride",
  "maxInterStageShaderVariables",
  "maxColorAttachments",
  "maxColorAttachmentBytesPerSample",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupSizeZ",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBuffersInVertexStage",
  "maxStorageTexturesInVertexStage",
  "maxStorageBuffersInFragmentStage",
  "maxStorageTexturesInFragmentStage",
] as const;

/** Dawn's WGPUBackendType values, as bun-webgpu reports them in adapter.info. */
const DAWN_BACKENDS = [
  "Undefined",
  "Null",
  "WebGPU",
  "D3D11",
  "D3D12",
  "Metal",
  "Vulkan",
  "OpenGL",
  "OpenGLES",
];

/**
 * Clamps every limit a device asks for to what the adapter offers (a "max" limit no higher, a
 * "min" alignment no lower), filling the ones not asked for with the adapter's own value: Dawn's
 * compatibility mode offers less than the WebGPU defaults (0 storage buffers in fragment stages),
 * and bun-webgpu would otherwise send its defaults and have the request refused.
 */
export function clampLimits(
  adapterLimits: Record<string, unknown>,
  requested: Record<string, number | undefined> = {},
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of LIMIT_NAMES) {
    const a = adapterLimits[k];
    if (typeof a !== "number") continue;
    const r = requested[k];
    out[k] = r === undefined ? a : k.startsWith("min") ? Math.max(r, a) : Math.min(r, a);
  }
  return out;
}

/**
 * An upload through `queue.writeBuffer` that copies the bytes first: bun-webgpu reads a typed
 * array's whole backing buffer, so a view into a larger one (as onnxruntime-web passes) uploads
 * the wrong bytes unless it is copied out; Deno refuses a SharedArrayBuffer, which
 * onnxruntime-web passes for some uploads.
 */
function copyingWriteBuffer(queue: GPUQueue): void {
  const write = queue.writeBuffer.bind(queue);
  queue.writeBuffer = ((
    buffer: GPUBuffer,
    offset: number,
    data: BufferSource,
    dataOffset = 0,
    size?: number,
  ) => {
    const isView = ArrayBuffer.isView(data);
    const unit = isView && "BYTES_PER_ELEMENT" in data ? (data.BYTES_PER_ELEMENT as number) : 1;
    const bytes = isView
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data as ArrayBuffer);
    const start = dataOffset * unit;
    const end = size === undefined ? bytes.byteLength : start + size * unit;
    return write(buffer, offset, bytes.slice(start, end));
  }) as GPUQueue["writeBuffer"];
}

/** Shader modules built from guarded WGSL (see wgsl-guards.ts). */
function guardingShaderModules(device: GPUDevice): void {
  const create = device.createShaderModule.bind(device);
  device.createShaderModule = (d: GPUShaderModuleDescriptor) =>
    create({ ...d, code: guardIntegerModulo(d.code) });
}

/**
 * Wraps the adapter so the device it gives has clamped limits, a copying writeBuffer and, on
 * wgpu (Deno), guarded shaders.
 */
function hardenAdapter(adapter: GPUAdapter, runtime: WebGpuAdapterInfo["runtime"]): GPUAdapter {
  const request = adapter.requestDevice.bind(adapter);
  const limits = adapter.limits as unknown as Record<string, unknown>;
  adapter.requestDevice = async (d?: GPUDeviceDescriptor) => {
    const device = await request({
      ...d,
      requiredLimits: clampLimits(limits, d?.requiredLimits as Record<string, number | undefined>),
    });
    copyingWriteBuffer(device.queue);
    if (runtime === "deno") guardingShaderModules(device);
    return device;
  };
  return adapter;
}

function describe(adapter: GPUAdapter, runtime: WebGpuAdapterInfo["runtime"]): WebGpuAdapterInfo {
  // adapter.info is newer than these typings; bun-webgpu adds Dawn's backendType to it.
  const i = (adapter as GPUAdapter & { info?: GPUAdapterInfo & { backendType?: number } }).info;
  const info: WebGpuAdapterInfo = {
    runtime,
    vendor: i?.vendor ?? "",
    device: i?.device ?? "",
    description: i?.description ?? "",
  };
  if (typeof i?.backendType === "number")
    info.backend = DAWN_BACKENDS[i.backendType] ?? String(i.backendType);
  return info;
}

/**
 * Whether an adapter is a null device that computes zeros: Dawn's Null backend (what bun-webgpu
 * hands back when Vulkan fails), or an adapter whose info names nothing. wgpu (Deno) names its
 * device in the description ("llvmpipe (LLVM 15.0.6, 256 bits)") and gives ids as vendor/device.
 */
export function isNullAdapter(info: WebGpuAdapterInfo): boolean {
  return info.backend === "Null" || (info.device === "" && info.description === "" && info.vendor === "");
}

/**
 * Sets a variable in the C environment, where Mesa's EGL reads it (Bun's process.env does not
 * reach getenv in libraries it loads through FFI).
 */
async function setNativeEnv(name: string, value: string): Promise<void> {
  const { dlopen, FFIType } = await import("bun:ffi");
  const libc = dlopen("libc.so.6", {
    setenv: { args: [FFIType.ptr, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  });
  try {
    libc.symbols.setenv(Buffer.from(`${name}\0`), Buffer.from(`${value}\0`), 0);
    process.env[name] = value;
  } finally {
    libc.close();
  }
}

/**
 * Finds a WebGPU adapter in this runtime. On Bun it loads bun-webgpu and asks Dawn for its
 * OpenGL ES backend in compatibility mode (EGL_PLATFORM=surfaceless: no display needed): its
 * default Vulkan path fails on these hosts and hands back a null adapter that computes zeros, so
 * an adapter whose info names no device, or Dawn's Null backend, is refused. Deno has
 * navigator.gpu built in. Never throws: the reason comes back instead.
 */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  try {
    const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
    const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
    let runtime: WebGpuAdapterInfo["runtime"] = isDeno ? "deno" : "navigator.gpu";
    let options: GPURequestAdapterOptions = {};
    if (isBun) {
      if (!process.env.EGL_PLATFORM) await setNativeEnv("EGL_PLATFORM", "surfaceless");
      if (typeof navigator === "undefined" || !navigator.gpu) {
        const { setupGlobals } = await import("bun-webgpu");
        setupGlobals();
      }
      runtime = "bun-webgpu";
      options = { featureLevel: "compatibility", backendType: "OpenGLES" } as GPURequestAdapterOptions;
    }
    if (typeof navigator === "undefined" || !navigator.gpu) {
      return { ok: false, reason: "this runtime has no navigator.gpu (Node: no WebGPU)" };
    }
    const adapter = await navigator.gpu.requestAdapter(options);
    if (!adapter) return { ok: false, reason: "no WebGPU adapter (no GPU, and no Mesa software driver)" };
    const info = describe(adapter, runtime);
    if (isNullAdapter(info)) {
      return { ok: false, reason: `WebGPU adapter is a null device (${JSON.stringify(info)})` };
    }
    return { ok: true, adapter: hardenAdapter(adapter, runtime), info };
  } catch (err) {
    return { ok: false, reason: `WebGPU init failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
