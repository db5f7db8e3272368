import { z } from "@hono/zod-openapi";
import { IO_NAME } from "./jobs.ts";

const name = z.string().regex(IO_NAME, "letters, digits, . _ - only, not starting with a dot");

export const VideoProfileSchema = z.object({
  name: z.string().min(1).max(100),
  width: z.number().int().min(16).max(7680),
  height: z.number().int().min(16).max(4320),
  bitrate: z.number().int().positive().max(200_000_000),
  fps: z.number().int().positive().max(240),
  codec: z.enum(["h264", "h265", "vp8", "vp9"]),
});

/** The wire JobSpec (see jobs.ts), validated where it enters a process. */
export const WireSpecSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("transcode"),
    input: name,
    profiles: z.array(VideoProfileSchema).min(1).max(16),
    format: z.enum(["mpegts", "mp4"]),
  }),
  z.object({
    kind: z.literal("ai"),
    pipeline: z.string().regex(/^[a-z0-9-]{1,64}$/),
    modelId: z.string().max(200),
    files: z.record(z.string().max(100), name),
    params: z.record(z.string(), z.unknown()),
  }),
]);
