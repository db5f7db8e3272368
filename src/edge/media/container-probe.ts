import type { MediaInfo, MediaProbe } from "../../wire/media.ts";

// A MediaProbe for runtimes that cannot spawn processes (Workers): it reads the container's own
// bookkeeping instead of decoding. MPEG-TS: PAT/PMT stream types and the video PES timestamps.
// MP4: the moov box (mvhd duration, tkhd geometry, hdlr kinds). WAV: the fmt and data chunks.
// Anything else is refused with a clear reason rather than guessed at.

const TS_PACKET = 188;
const PTS_HZ = 90_000;
// ISO/IEC 13818-1 stream_type values (and the common private ones).
const TS_VIDEO: Readonly<Record<number, string>> = {
  1: "mpeg1video",
  2: "mpeg2video",
  16: "mpeg4",
  27: "h264",
  36: "hevc",
  234: "vc1",
};
const TS_AUDIO: readonly number[] = [0x03, 0x04, 0x0f, 0x11, 0x81, 0x87];

/** The spawn-free MediaProbe: container headers only, so geometry or fps may read 0 (unknown). */
export function containerMediaProbe(): MediaProbe {
  return {
    name: "container-header",
    async probe(bytes) {
      if (isMpegTs(bytes)) return probeMpegTs(bytes);
      if (ascii(bytes, 4, 4) === "ftyp" || ascii(bytes, 4, 4) === "moov") return probeMp4(bytes);
      if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WAVE") return probeWav(bytes);
      throw new Error("this runtime reads only MPEG-TS, MP4 and WAV headers (no ffprobe here)");
    },
  };
}

function ascii(b: Uint8Array, at: number, n: number): string {
  return at + n <= b.length ? String.fromCharCode(...b.subarray(at, at + n)) : "";
}

function info(partial: Partial<MediaInfo> & { formatName: string }): MediaInfo {
  return {
    width: 0,
    height: 0,
    durationSec: 0,
    codec: null,
    fps: 0,
    hasVideo: false,
    hasAudio: false,
    sampleRate: 0,
    ...partial,
  };
}

function isMpegTs(b: Uint8Array): boolean {
  return b.length >= 2 * TS_PACKET && b[0] === 0x47 && b[TS_PACKET] === 0x47;
}

/** Streams from the PMT, duration and frame rate from the video PTS (first to last, plus one frame). */
function probeMpegTs(b: Uint8Array): MediaInfo {
  let pmtPid: number | undefined;
  const streams = new Map<number, number>(); // pid → stream_type
  const pts: number[] = [];
  let videoPid: number | undefined;
  for (let at = 0; at + TS_PACKET <= b.length; at += TS_PACKET) {
    if (b[at] !== 0x47) throw new Error("MPEG-TS sync byte missing");
    const pid = ((b[at + 1]! & 0x1f) << 8) | b[at + 2]!;
    const start = (b[at + 1]! & 0x40) !== 0;
    const afc = (b[at + 3]! >> 4) & 0x3;
    let p = at + 4;
    if (afc === 2 || afc === 0) continue; // no payload
    if (afc === 3) p += 1 + b[p]!;
    if (p >= at + TS_PACKET || !start) continue;
    if (pid === 0 || pid === pmtPid) {
      p += 1 + b[p]!; // pointer_field
      const section = b.subarray(p, at + TS_PACKET);
      if (pid === 0 && section[0] === 0x00) pmtPid = patPmtPid(section);
      else if (pid === pmtPid && section[0] === 0x02) readPmt(section, streams);
      videoPid = [...streams].find(([, type]) => TS_VIDEO[type] !== undefined)?.[0];
    } else if (pid === videoPid) {
      const t = pesPts(b.subarray(p, at + TS_PACKET));
      if (t !== undefined) pts.push(t);
    }
  }
  if (pmtPid === undefined || streams.size === 0)
    throw new Error("no PAT/PMT: not a readable MPEG-TS stream");
  const types = [...streams.values()];
  const videoType = types.find((t) => TS_VIDEO[t] !== undefined);
  let durationSec = 0;
  let fps = 0;
  if (pts.length > 0) {
    const sorted = [...new Set(pts)].sort((x, y) => x - y);
    let frame = 0;
    for (let i = 1; i < sorted.length; i++) {
      const d = sorted[i]! - sorted[i - 1]!;
      if (d > 0 && (frame === 0 || d < frame)) frame = d;
    }
    durationSec = (sorted[sorted.length - 1]! - sorted[0]! + frame) / PTS_HZ;
    fps = frame > 0 ? PTS_HZ / frame : 0;
  }
  return info({
    formatName: "mpegts",
    durationSec,
    fps,
    hasVideo: videoType !== undefined,
    hasAudio: types.some((t) => TS_AUDIO.includes(t)),
    codec: videoType === undefined ? null : TS_VIDEO[videoType]!,
  });
}

/** The first program's PMT PID from a PAT section. */
function patPmtPid(s: Uint8Array): number | undefined {
  const length = ((s[1]! & 0x0f) << 8) | s[2]!;
  const end = Math.min(3 + length - 4, s.length - 4); // before the CRC
  for (let i = 8; i + 4 <= end; i += 4) {
    const program = (s[i]! << 8) | s[i + 1]!;
    if (program !== 0) return ((s[i + 2]! & 0x1f) << 8) | s[i + 3]!;
  }
  return undefined;
}

function readPmt(s: Uint8Array, streams: Map<number, number>): void {
  const length = ((s[1]! & 0x0f) << 8) | s[2]!;
  const end = Math.min(3 + length - 4, s.length);
  const infoLength = ((s[10]! & 0x0f) << 8) | s[11]!;
  for (let i = 12 + infoLength; i + 5 <= end; ) {
    const type = s[i]!;
    const pid = ((s[i + 1]! & 0x1f) << 8) | s[i + 2]!;
    streams.set(pid, type);
    i += 5 + (((s[i + 3]! & 0x0f) << 8) | s[i + 4]!);
  }
}

/** The PTS of a PES packet that starts here, in 90 kHz ticks. */
function pesPts(p: Uint8Array): number | undefined {
  if (p.length < 14 || p[0] !== 0 || p[1] !== 0 || p[2] !== 1) return undefined;
  if ((p[7]! & 0x80) === 0) return undefined;
  const v = p.subarray(9, 14);
  // 33 bits: beyond 2^31, so plain arithmetic rather than bit shifts.
  return ((v[0]! >> 1) & 0x07) * 2 ** 30 + (v[1]! << 22) + ((v[2]! >> 1) << 15) + (v[3]! << 7) + (v[4]! >> 1);
}

interface Box {
  type: string;
  start: number; // of the payload
  end: number;
}

function boxes(b: Uint8Array, from: number, to: number): Box[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Box[] = [];
  for (let at = from; at + 8 <= to; ) {
    let size = dv.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = Number(dv.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header) throw new Error("MP4 box with a bad size");
    out.push({ type: ascii(b, at + 4, 4), start: at + header, end: Math.min(at + size, to) });
    at += size;
  }
  return out;
}

/** Duration from mvhd; per track, its kind from hdlr and (video) its size from tkhd. */
function probeMp4(b: Uint8Array): MediaInfo {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const moov = boxes(b, 0, b.length).find((x) => x.type === "moov");
  if (!moov) throw new Error("MP4 without a moov box (fragmented or truncated)");
  const children = boxes(b, moov.start, moov.end);
  const mvhd = children.find((x) => x.type === "mvhd");
  if (!mvhd) throw new Error("MP4 without an mvhd box");
  const v1 = b[mvhd.start] === 1;
  const timescale = dv.getUint32(mvhd.start + (v1 ? 20 : 12));
  const duration = v1 ? Number(dv.getBigUint64(mvhd.start + 24)) : dv.getUint32(mvhd.start + 16);
  const result = info({
    formatName: "mov,mp4,m4a,3gp,3g2,mj2",
    durationSec: timescale > 0 ? duration / timescale : 0,
  });
  for (const trak of children.filter((x) => x.type === "trak")) {
    const parts = boxes(b, trak.start, trak.end);
    const mdia = parts.find((x) => x.type === "mdia");
    const hdlr = mdia && boxes(b, mdia.start, mdia.end).find((x) => x.type === "hdlr");
    const kind = hdlr ? ascii(b, hdlr.start + 8, 4) : "";
    if (kind === "soun") result.hasAudio = true;
    if (kind !== "vide" || result.hasVideo) continue;
    result.hasVideo = true;
    const tkhd = parts.find((x) => x.type === "tkhd");
    if (tkhd) {
      // width and height are 16.16 fixed point, the last 8 bytes of tkhd.
      const at = tkhd.start + (b[tkhd.start] === 1 ? 88 : 76);
      if (at + 8 <= tkhd.end) {
        result.width = dv.getUint32(at) >>> 16;
        result.height = dv.getUint32(at + 4) >>> 16;
      }
    }
  }
  return result;
}

/** Duration of PCM (or any fixed-rate) WAV: data bytes over the fmt chunk's byte rate. */
function probeWav(b: Uint8Array): MediaInfo {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let sampleRate = 0;
  let byteRate = 0;
  for (let at = 12; at + 8 <= b.length; ) {
    const id = ascii(b, at, 4);
    const size = dv.getUint32(at + 4, true);
    if (id === "fmt " && at + 20 <= b.length) {
      sampleRate = dv.getUint32(at + 12, true);
      byteRate = dv.getUint32(at + 16, true);
    } else if (id === "data") {
      if (byteRate === 0) break;
      const bytes = Math.min(size, b.length - at - 8);
      return info({ formatName: "wav", hasAudio: true, sampleRate, durationSec: bytes / byteRate });
    }
    at += 8 + size + (size % 2);
  }
  throw new Error("WAV without a fmt chunk before its data");
}
