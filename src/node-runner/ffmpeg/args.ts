import { LivepeerError } from "../../wire/errors.ts";
import type { VideoProfile } from "../../wire/jobs.ts";

export type Container = "mpegts" | "mp4" | "webm";

/** One rendition to write: the profile, the encoder chosen for it, and where it goes. */
export interface PlannedOutput {
  profile: VideoProfile;
  encoder: string;
  container: Container;
  path: string;
}

const SOFTWARE: Record<VideoProfile["codec"], string> = {
  h264: "libx264",
  h265: "libx265",
  vp8: "libvpx",
  vp9: "libvpx-vp9",
};
const NVENC: Partial<Record<VideoProfile["codec"], string>> = { h264: "h264_nvenc", h265: "hevc_nvenc" };

/**
 * Picks an encoder for a codec: NVENC when a GPU is present and the build has it, else the software
 * encoder; an encoder the build lacks → UNSUPPORTED_CODEC. `available` null means "do not check"
 * (the wasm core, whose encoder list is fixed: libx264, libx265, libvpx).
 */
export function chooseEncoder(
  codec: VideoProfile["codec"],
  available: ReadonlySet<string> | null,
  gpu: boolean,
): string {
  const hw = NVENC[codec];
  if (gpu && hw && available?.has(hw)) return hw;
  const sw = SOFTWARE[codec];
  if (available && !available.has(sw)) {
    throw new LivepeerError("UNSUPPORTED_CODEC", `no encoder for ${codec} in this FFmpeg`, {
      details: { codec, encoder: sw },
    });
  }
  return sw;
}

/** VP8/VP9 cannot go into MPEG-TS and VP8 not into MP4: those renditions are written as WebM. */
export function containerFor(codec: VideoProfile["codec"], wanted: "mpegts" | "mp4"): Container {
  if (codec === "vp8" || (codec === "vp9" && wanted === "mpegts")) return "webm";
  return wanted;
}

export const EXTENSION: Record<Container, string> = { mpegts: "ts", mp4: "mp4", webm: "webm" };
export const CONTENT_TYPE: Record<Container, string> = {
  mpegts: "video/mp2t",
  mp4: "video/mp4",
  webm: "video/webm",
};

function encoderArgs(o: PlannedOutput): string[] {
  const { bitrate, fps } = o.profile;
  const rate = [`-b:v`, `${bitrate}`, "-maxrate", `${bitrate}`, "-bufsize", `${bitrate * 2}`];
  // A keyframe every 2 s, as segment-based HLS players expect.
  const gop = ["-g", `${Math.max(1, Math.round(fps * 2))}`];
  switch (o.encoder) {
    case "libx264":
      return ["-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", ...rate, ...gop];
    case "libx265":
      return ["-c:v", "libx265", "-preset", "veryfast", "-x265-params", "log-level=error", ...rate, ...gop];
    case "libvpx":
    case "libvpx-vp9":
      return ["-c:v", o.encoder, "-deadline", "realtime", "-cpu-used", "8", ...rate, ...gop];
    default:
      return ["-c:v", o.encoder, ...rate, ...gop];
  }
}

function audioArgs(o: PlannedOutput): string[] {
  return o.container === "webm" ? ["-c:a", "libopus", "-b:a", "96k"] : ["-c:a", "aac", "-b:a", "96k"];
}

function muxerArgs(c: Container): string[] {
  if (c === "mp4") return ["-f", "mp4", "-movflags", "+faststart"];
  return ["-f", c];
}

/**
 * The ladder as ONE FFmpeg invocation: decode the input once, `split` the video into one branch
 * per rendition, and give each branch its own fps, scale and encoder. Audio (when present) is
 * re-encoded per output so every rendition plays on its own.
 */
export function ladderArgs(
  input: string,
  outputs: readonly PlannedOutput[],
  opts: { hasAudio: boolean | "optional"; progress: boolean },
): string[] {
  const n = outputs.length;
  const branches = outputs.map((_, i) => `[v${i}]`).join("");
  const chains = outputs.map(
    (o, i) =>
      `[v${i}]fps=${o.profile.fps},scale=${o.profile.width}:${o.profile.height}:flags=bicubic,setsar=1,format=yuv420p[o${i}]`,
  );
  const graph = [`[0:v:0]split=${n}${branches}`, ...chains].join(";");
  const args = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"];
  if (opts.progress) args.push("-progress", "pipe:1", "-nostats");
  args.push("-i", input, "-filter_complex", graph);
  outputs.forEach((o, i) => {
    args.push("-map", `[o${i}]`);
    // "optional": the input was not probed (wasm); `?` maps audio only if there is some.
    if (opts.hasAudio) args.push("-map", opts.hasAudio === "optional" ? "0:a:0?" : "0:a:0", ...audioArgs(o));
    args.push(...encoderArgs(o), ...muxerArgs(o.container), o.path);
  });
  return args;
}

/** The same rendition as a stand-alone FFmpeg command (the one-process-per-rendition baseline). */
export function singleArgs(input: string, o: PlannedOutput, opts: { hasAudio: boolean }): string[] {
  const p = o.profile;
  const args = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", input, "-map", "0:v:0"];
  if (opts.hasAudio) args.push("-map", "0:a:0", ...audioArgs(o));
  args.push(
    "-vf",
    `fps=${p.fps},scale=${p.width}:${p.height}:flags=bicubic,setsar=1,format=yuv420p`,
    ...encoderArgs(o),
    ...muxerArgs(o.container),
    o.path,
  );
  return args;
}

/** Parses FFmpeg `-progress` key=value lines into microseconds done, or null. */
export function progressMicros(line: string): number | null {
  const m = /^out_time_(?:us|ms)=(\d+)$/.exec(line);
  return m ? Number(m[1]) : null;
}
