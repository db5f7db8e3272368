import type { RgbImage } from "./png.ts";

/** Messages between the runner and a PNG worker (one worker per call, ended after it). */
export type PngRequest = { op: "decode"; bytes: Uint8Array } | { op: "encode"; image: RgbImage };

export type PngResponse =
  | { ok: true; image: RgbImage }
  | { ok: true; png: Uint8Array }
  /** `unsupported`: a PNG this coder does not read (16-bit, interlaced); else corrupt data. */
  | { ok: false; unsupported: boolean; message: string };
