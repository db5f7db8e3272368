import { keccak256, toBytes } from "viem";
import type { VideoProfile } from "../wire/jobs.ts";
import type { Hex } from "./types.ts";

const preset = (name: string, width: number, height: number, kbps: number, fps: number): VideoProfile => ({
  name,
  width,
  height,
  bitrate: kbps * 1000,
  fps,
  codec: "h264",
});

/** The go-livepeer preset names gateways send (docs/protocol.md#transcoding-presets). */
export const PRESETS: Readonly<Record<string, VideoProfile>> = Object.freeze(
  Object.fromEntries(
    [
      preset("P720p60fps16x9", 1280, 720, 6000, 60),
      preset("P720p30fps16x9", 1280, 720, 4000, 30),
      preset("P720p25fps16x9", 1280, 720, 3500, 25),
      preset("P720p30fps4x3", 960, 720, 3500, 30),
      preset("P576p30fps16x9", 1024, 576, 1500, 30),
      preset("P576p25fps16x9", 1024, 576, 1500, 25),
      preset("P360p30fps16x9", 640, 360, 1200, 30),
      preset("P360p25fps16x9", 640, 360, 1000, 25),
      preset("P360p30fps4x3", 480, 360, 1000, 30),
      preset("P240p30fps16x9", 426, 240, 600, 30),
      preset("P240p25fps16x9", 426, 240, 600, 25),
      preset("P240p30fps4x3", 320, 240, 600, 30),
      preset("P144p30fps16x9", 256, 144, 400, 30),
      preset("P144p25fps16x9", 256, 144, 400, 25),
    ].map((p) => [p.name, p]),
  ),
);

/** go-livepeer's default ladder. */
export const DEFAULT_LADDER = ["P240p30fps16x9", "P360p30fps16x9"] as const;

/** A profile's id on the wire: the first 4 bytes of keccak256 of its name. */
export function profileId(name: string): Hex {
  return keccak256(toBytes(name)).slice(0, 10) as Hex;
}
