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

/** Bounds on the media one job may bring, checked from headers and probes before any decode. */
export interface MediaLimits {
  /** Longest segment accepted, in seconds (a gap between two frames counts in full). */
  maxSegmentSec: number;
  /** Most input pixels per second of video (width × height × fps). */
  maxPixelsPerSec: number;
  /** Widest or tallest image accepted, in pixels. */
  maxImageDim: number;
  /** Most pixels in one image (width × height). */
  maxImagePixels: number;
}

export const DEFAULT_MEDIA_LIMITS: MediaLimits = {
  maxSegmentSec: 60,
  maxPixelsPerSec: 3840 * 2160 * 60,
  maxImageDim: 8192,
  maxImagePixels: 4096 * 4096,
};

/** Why a probed video is over the limits, or null when it is within them. */
export function videoOverLimits(
  info: { width: number; height: number; durationSec: number; fps: number },
  limits: MediaLimits,
): string | null {
  if (info.durationSec > limits.maxSegmentSec) {
    return `segment lasts ${info.durationSec} s, above the ${limits.maxSegmentSec} s limit`;
  }
  const rate = info.width * info.height * info.fps;
  if (rate > limits.maxPixelsPerSec) {
    return `segment carries ${rate} pixels per second, above the ${limits.maxPixelsPerSec} limit`;
  }
  return null;
}

/** Why an image of this size is over the limits, or null when it is within them. */
export function imageOverLimits(size: { width: number; height: number }, limits: MediaLimits): string | null {
  if (size.width > limits.maxImageDim || size.height > limits.maxImageDim) {
    return `image is ${size.width}x${size.height}, above the ${limits.maxImageDim}-pixel side limit`;
  }
  if (size.width * size.height > limits.maxImagePixels) {
    return `image has ${size.width * size.height} pixels, above the ${limits.maxImagePixels} limit`;
  }
  return null;
}
