/** Messages between the runner and the FFmpeg wasm worker. */
export interface WasmRequest {
  corePath: string;
  wasmPath: string;
  /** Files written into the core's in-memory filesystem before the first command. */
  files: { path: string; data: Uint8Array }[];
  /** FFmpeg argument lists run in order (without the leading "ffmpeg"). */
  commands: string[][];
  /** Paths read back after the last command. */
  outputs: string[];
  /** Cap on the core's linear memory in bytes (0: only the wasm build's own maximum). */
  memoryBytes: number;
}

export type WasmResponse =
  | { type: "progress"; fraction: number }
  /** The core asked to grow its memory past the cap; the runner terminates the worker. */
  | { type: "memory"; requestedBytes: number; memoryBytes: number }
  | {
      type: "done";
      results: { ret: number; log: string }[];
      outputs: { path: string; data: Uint8Array }[];
      /** The core's linear memory at the end, in bytes (it never shrinks: its peak). */
      memoryBytes: number;
    }
  | { type: "error"; message: string };
