import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MediaProbe } from "../../wire/media.ts";
import { probeMedia } from "./ffprobe.ts";
import { locateFfmpeg } from "./locate.ts";

type ProbeTools = { ffprobePath: string | null; ffmpegPath: string };

/**
 * The MediaProbe of Bun and Node hosts: ffprobe (or `ffmpeg -i`) on a temp copy of the upload,
 * found as the runner finds FFmpeg but never the wasm build (too slow to gate a request).
 */
export function ffprobeMediaProbe(): MediaProbe {
  let tools: Promise<ProbeTools | null> | undefined;
  const locate = () => {
    tools ??= locateFfmpeg({ sources: ["system", "ffmpeg-installer"] }).then((ff) =>
      ff?.kind === "native" ? { ffprobePath: ff.ffprobePath, ffmpegPath: ff.ffmpegPath } : null,
    );
    return tools;
  };
  return {
    name: "ffprobe",
    async probe(bytes) {
      const t = await locate();
      if (!t) throw new Error("cannot probe: no ffprobe or ffmpeg on this host");
      const dir = await mkdtemp(join(tmpdir(), "lp-probe-"));
      try {
        const file = join(dir, "upload");
        await writeFile(file, bytes);
        return await probeMedia(file, t);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
