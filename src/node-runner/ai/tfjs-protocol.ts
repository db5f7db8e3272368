import type { Raster } from "./raster.ts";

/** Messages between the runner and its TF.js worker (one worker per loaded TF.js model). */
export type TfjsRequest =
  | { type: "load"; modelJsonPath: string }
  | {
      type: "upscale";
      id: number;
      image: Raster;
      tile?: number | undefined;
      pad?: number | undefined;
      /** An Int32Array over shared memory: [0] turns 1 when the job is aborted (read between tiles). */
      abort: Int32Array;
    };

/** An error crossing the thread boundary: a LivepeerError keeps its code and details. */
export interface TfjsFailure {
  code?: string | undefined;
  message: string;
  details?: Record<string, unknown> | undefined;
}

export type TfjsResponse =
  | { type: "loaded"; backend: string }
  | { type: "progress"; id: number; done: number; total: number }
  | { type: "upscaled"; id: number; image: Raster; scale: number }
  | ({ type: "error"; id?: number | undefined } & TfjsFailure);
