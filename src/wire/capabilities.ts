// The runner registers what it can do with the edge; the edge advertises it in OrchestratorInfo.

/** What the runner can do, registered with the edge. */
export interface Capabilities {
  ffmpeg: {
    path: string;
    version: string;
    source: "system" | "configured" | "ffmpeg-installer" | "wasm";
    encoders: string[];
    hwaccels: string[];
  } | null;
  gpus: { name: string; memoryMiB: number; driver: string }[];
  onnx: { backend: "onnxruntime-node" | "onnxruntime-web"; executionProviders: string[] }[];
  models: { pipeline: string; modelId: string; warm: boolean }[];
  /** Capability names this runner serves: "transcode" and AI pipeline names. */
  capabilities: string[];
  capacity: number;
}
