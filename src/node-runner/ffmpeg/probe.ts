import type { NativeFfmpeg } from "./locate.ts";
import { runProcess } from "./process.ts";

export interface FfmpegProbe {
  version: string;
  /** Encoders for the codecs the network uses (h264, hevc, vp8, vp9, av1) and audio (aac, opus). */
  encoders: string[];
  /** Hardware encoders among them (NVENC, VAAPI, QSV, …): compiled in, not necessarily usable. */
  hardwareEncoders: string[];
  hwaccels: string[];
}

const CODEC_RE = /\(codec (h264|hevc|vp8|vp9|av1|aac|opus)\)|^(aac|opus|libopus|libvorbis)$/;
const HW_RE = /_(nvenc|vaapi|qsv|amf|v4l2m2m|videotoolbox|omx)$/;

async function text(path: string, args: string[]): Promise<string> {
  const r = await runProcess(path, ["-hide_banner", ...args], { collectStdout: true });
  return r.stdout.toString("utf8");
}

/** Parses `ffmpeg -encoders` lines such as " V....D libx264   libx264 H.264 … (codec h264)". */
export function parseEncoders(out: string): string[] {
  const names: string[] = [];
  for (const line of out.split("\n")) {
    const m = /^ ([VAS])[.A-Z]{5} (\S+)\s+(.*)$/.exec(line);
    if (!m || m[2] === "=") continue;
    const name = m[2]!;
    if (CODEC_RE.test(m[3]!) || CODEC_RE.test(name)) names.push(name);
  }
  return names;
}

/** Parses `ffmpeg -hwaccels`: a header line then one method per line. */
export function parseHwaccels(out: string): string[] {
  return out
    .split("\n")
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** Version, encoders and hwaccels of a native FFmpeg. */
export async function probeFfmpeg(ff: NativeFfmpeg): Promise<FfmpegProbe> {
  const [versionOut, encodersOut, hwOut] = await Promise.all([
    text(ff.ffmpegPath, ["-version"]),
    text(ff.ffmpegPath, ["-encoders"]),
    text(ff.ffmpegPath, ["-hwaccels"]),
  ]);
  const version = /ffmpeg version (\S+)/.exec(versionOut)?.[1] ?? "unknown";
  const encoders = parseEncoders(encodersOut);
  return {
    version,
    encoders,
    hardwareEncoders: encoders.filter((e) => HW_RE.test(e)),
    hwaccels: parseHwaccels(hwOut),
  };
}
