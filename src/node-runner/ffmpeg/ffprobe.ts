import type { MediaInfo } from "../../wire/media.ts";
import { invalidMedia } from "./errors.ts";
import { runProcess } from "./process.ts";

interface ProbeJson {
  streams?: {
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    duration?: string;
    sample_rate?: string;
  }[];
  format?: { duration?: string; format_name?: string };
}

function rate(r: string | undefined): number {
  if (!r) return 0;
  const [n, d] = r.split("/").map(Number);
  if (!n || !d) return 0;
  return n / d;
}

/** Interprets ffprobe's JSON (`-show_streams -show_format`). */
export function mediaInfoFromJson(json: ProbeJson): MediaInfo {
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video");
  const audio = streams.find((s) => s.codec_type === "audio");
  const duration = Number(json.format?.duration ?? video?.duration ?? 0) || 0;
  return {
    width: video?.width ?? 0,
    height: video?.height ?? 0,
    durationSec: duration,
    codec: video?.codec_name ?? null,
    fps: rate(video?.avg_frame_rate) || rate(video?.r_frame_rate),
    hasVideo: video !== undefined,
    hasAudio: audio !== undefined,
    sampleRate: Number(audio?.sample_rate ?? 0) || 0,
    formatName: json.format?.format_name ?? "",
  };
}

/**
 * Reads the banner `ffmpeg -i` prints to stderr, for hosts with no ffprobe (the wasm build, an
 * ffmpeg without its sibling). Less exact than ffprobe, enough to validate and size a job.
 */
export function mediaInfoFromBanner(stderr: string): MediaInfo {
  const dur = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  const durationSec = dur ? Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3]) : 0;
  const video = /Stream #\S+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})/.exec(stderr);
  const fps = /, (\d+(?:\.\d+)?) fps/.exec(stderr);
  const audio = /Stream #\S+.*?: Audio: \w+.*?, (\d+) Hz/.exec(stderr);
  const format = /Input #0, ([^,]+(?:,[^,\s]+)*), from/.exec(stderr);
  return {
    width: video ? Number(video[2]) : 0,
    height: video ? Number(video[3]) : 0,
    durationSec,
    codec: video?.[1] ?? null,
    fps: fps ? Number(fps[1]) : 0,
    hasVideo: video !== null,
    hasAudio: audio !== null,
    sampleRate: audio ? Number(audio[1]) : 0,
    formatName: format?.[1] ?? "",
  };
}

/** Probes a file with ffprobe (or `ffmpeg -i` when ffprobe is null). Unreadable → INVALID_MEDIA. */
export async function probeMedia(
  file: string,
  tools: { ffprobePath: string | null; ffmpegPath?: string },
): Promise<MediaInfo> {
  if (tools.ffprobePath) {
    const r = await runProcess(
      tools.ffprobePath,
      ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", file],
      { collectStdout: true },
    );
    // A crash (killed by a signal) is the tool's fault, not the input's: the static ffprobe in
    // @ffprobe-installer segfaults on files here. Stop using it and read ffmpeg's banner instead.
    const crashed = r.signal !== null || (r.exitCode ?? 0) > 128;
    if (!crashed) {
      if (r.exitCode !== 0) {
        throw invalidMedia("input is not a readable media file", { stderrTail: r.stderrTail.trim() });
      }
      return mediaInfoFromJson(JSON.parse(r.stdout.toString("utf8")) as ProbeJson);
    }
    if (!tools.ffmpegPath) throw invalidMedia("ffprobe crashed and no ffmpeg to fall back on");
    tools.ffprobePath = null;
  }
  if (!tools.ffmpegPath) throw invalidMedia("no ffprobe or ffmpeg to probe the input with");
  // `ffmpeg -i file` with no output exits 1 by design; the banner is what we want.
  const r = await runProcess(tools.ffmpegPath, ["-hide_banner", "-i", file], { tailBytes: 16384 });
  const info = mediaInfoFromBanner(r.stderrTail);
  if (!info.formatName && !info.hasVideo && !info.hasAudio) {
    throw invalidMedia("input is not a readable media file", { stderrTail: r.stderrTail.trim() });
  }
  return info;
}

/** Probes and insists on a video stream: a segment that is not video → INVALID_MEDIA. */
export async function probeVideo(
  file: string,
  tools: { ffprobePath: string | null; ffmpegPath?: string },
): Promise<MediaInfo> {
  const info = await probeMedia(file, tools);
  if (!info.hasVideo || info.width === 0 || info.height === 0) {
    throw invalidMedia("input has no video stream", { formatName: info.formatName });
  }
  return info;
}
