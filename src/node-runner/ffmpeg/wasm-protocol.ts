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
}

export type WasmResponse =
  | { type: "progress"; fraction: number }
  | {
      type: "done";
      results: { ret: number; log: string }[];
      outputs: { path: string; data: Uint8Array }[];
    }
  | { type: "error"; message: string };
