import { envTable, parse } from "../cli/env.ts";

// The node-runner's environment variables (its flags win over them), built like the edge's table.
export const RUNNER_ENV = envTable({
  EDGE_URL: {
    description: "the edge to register with (--edge wins); the example's edge URL (--url wins)",
    parse: parse.string,
    entries: ["runner", "example"],
  },
  RUNNER_TOKEN: {
    description: "runner token(s), comma-separated, each bound to one orchestrator (--token wins)",
    parse: parse.list,
    entries: ["runner"],
  },
  RUNNER_MAX_SEGMENT_SEC: {
    description: "longest input segment accepted, in seconds (gaps between frames count)",
    default: "60",
    parse: parse.positiveInt,
    entries: ["runner"],
  },
  RUNNER_MAX_PIXELS_PER_SEC: {
    description: "most input pixels per second of video (width × height × fps)",
    default: String(3840 * 2160 * 60),
    parse: parse.positiveInt,
    entries: ["runner"],
  },
  RUNNER_MAX_IMAGE_DIM: {
    description: "widest or tallest image accepted (checked on the header, before decode)",
    default: "8192",
    parse: parse.positiveInt,
    entries: ["runner"],
  },
  RUNNER_MAX_IMAGE_PIXELS: {
    description: "most pixels in one image (checked on the header, before decode)",
    default: String(4096 * 4096),
    parse: parse.positiveInt,
    entries: ["runner"],
  },
  RUNNER_JOB_TIMEOUT_MS: {
    description: "wall-clock limit of one FFmpeg process; past it the job fails for good",
    default: "600000",
    parse: parse.positiveInt,
    entries: ["runner"],
  },
  RUNNER_JOB_MEMORY_BYTES: {
    description:
      "address-space cap of one FFmpeg process (ulimit -v; with ffmpeg.wasm, the core's linear memory; 0: none); past it the job fails for good",
    default: String(4 * 1024 ** 3),
    parse: parse.nonNegativeInt,
    entries: ["runner"],
  },
  RUNNER_MODEL_IDLE_MS: {
    description: "how long a cold model stays loaded after its last job (0: freed when the job ends)",
    default: "60000",
    parse: parse.nonNegativeInt,
    entries: ["runner"],
  },
  EGL_PLATFORM: {
    description:
      "Mesa's EGL platform for WebGPU on Bun (OpenGL ES through bun-webgpu); set to surfaceless when unset, so no display is needed",
    parse: parse.string,
    entries: ["runner"],
  },
});
