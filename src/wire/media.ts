// Media probing as an injected capability: the edge checks and sizes uploads before a job exists,
// on runtimes that can spawn FFmpeg and on those that cannot.

/** What a probe reads from a media file: its streams, geometry and duration. */
export interface MediaInfo {
  /** 0 when there is no video stream, or the probe cannot tell. */
  width: number;
  height: number;
  durationSec: number;
  /** Video codec name ("h264", …), or null without a video stream. */
  codec: string | null;
  fps: number;
  hasVideo: boolean;
  hasAudio: boolean;
  /** Audio sample rate, 0 without audio. */
  sampleRate: number;
  formatName: string;
}

/**
 * Reads an upload's container and streams. Bun and Node entries inject one backed by ffprobe;
 * runtimes that cannot spawn processes (Workers) read the container header instead.
 */
export interface MediaProbe {
  /** Which implementation answers ("ffprobe", "container-header"), for logs. */
  readonly name: string;
  /** Rejects when the bytes are not media this probe can read, or the probe cannot run here. */
  probe(bytes: Uint8Array): Promise<MediaInfo>;
}
