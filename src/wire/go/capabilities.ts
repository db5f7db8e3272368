// go-livepeer capability bits: bit n lives in word n/64 of Capabilities.bitstring, at bit n%64.

export const CAP = {
  H264: 0,
  MPEGTS: 1,
  MP4: 2,
  FractionalFramerates: 3,
  StorageDirect: 4,
  StorageS3: 5,
  StorageGCS: 6,
  ProfileH264Baseline: 7,
  ProfileH264Main: 8,
  ProfileH264High: 9,
  ProfileH264ConstrainedHigh: 10,
  GOP: 11,
  AuthToken: 12,
  SceneClassification: 13,
  MPEG7VideoSignature: 14,
  HEVCDecode: 15,
  HEVCEncode: 16,
  VP8Decode: 17,
  VP9Decode: 18,
  VP8Encode: 19,
  VP9Encode: 20,
  H264Decode444_8bit: 21,
  H264Decode422_8bit: 22,
  H264Decode444_10bit: 23,
  H264Decode422_10bit: 24,
  H264Decode420_10bit: 25,
  SegmentSlicing: 26,
  TextToImage: 27,
  ImageToImage: 28,
  ImageToVideo: 29,
  Upscale: 30,
  AudioToText: 31,
  SegmentAnything2: 32,
  LLM: 33,
  ImageToText: 34,
  LiveVideoToVideo: 35,
  TextToSpeech: 36,
  BYOC: 37,
} as const;

export type CapabilityBit = (typeof CAP)[keyof typeof CAP];

/** The transcoding set every current node advertises: bits 0–12, 14 and 26 (word 0 = 0x4005FFF). */
export const DEFAULT_CAPABILITIES: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 26];

/** AI routes of the orchestrator and the capability each one needs. */
export const AI_ROUTE_CAPABILITY: Readonly<Record<string, CapabilityBit>> = {
  "text-to-image": CAP.TextToImage,
  "image-to-image": CAP.ImageToImage,
  "image-to-video": CAP.ImageToVideo,
  upscale: CAP.Upscale,
  "audio-to-text": CAP.AudioToText,
  "segment-anything-2": CAP.SegmentAnything2,
  llm: CAP.LLM,
  "image-to-text": CAP.ImageToText,
  "live-video-to-video": CAP.LiveVideoToVideo,
  "text-to-speech": CAP.TextToSpeech,
};

/** The bitstring words for a set of capability bits. */
export function capabilityBitstring(bits: Iterable<number>): bigint[] {
  const words: bigint[] = [];
  for (const b of bits) {
    if (!Number.isInteger(b) || b < 0) throw new RangeError(`bad capability bit ${b}`);
    const w = Math.floor(b / 64);
    while (words.length <= w) words.push(0n);
    words[w] = words[w]! | (1n << BigInt(b % 64));
  }
  return words;
}

/** The capability bits set in a bitstring, ascending. */
export function capabilityBits(words: readonly bigint[]): number[] {
  const out: number[] = [];
  words.forEach((word, w) => {
    for (let i = 0; i < 64; i++) if ((word >> BigInt(i)) & 1n) out.push(w * 64 + i);
  });
  return out;
}

/** True when every bit of `inner` is set in `outer`. */
export function bitstringSubset(inner: readonly bigint[], outer: readonly bigint[]): boolean {
  return inner.every((word, i) => (word & ~(outer[i] ?? 0n)) === 0n);
}
