import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { locateFfmpeg } from "../../../src/node-runner/ffmpeg/locate.ts";
import { runProcess } from "../../../src/node-runner/ffmpeg/process.ts";

// The npm static ffprobe segfaults on MPEG-TS on hosts whose gconv modules it cannot load;
// runProcess must start it so that it does not (the runner otherwise silently falls back to ffmpeg -i).
const packaged = await locateFfmpeg({ sources: ["ffmpeg-installer"] });
const native = packaged?.kind === "native" && packaged.ffprobePath ? packaged : null;

describe.skipIf(!native)(
  "packaged FFmpeg builds (skipped: no @ffmpeg-installer build for this platform)",
  () => {
    test("the packaged ffprobe reads an MPEG-TS segment", async () => {
      if (!native?.ffprobePath) throw new Error("unreachable");
      const dir = mkdtempSync(join(tmpdir(), "packaged-ffprobe-"));
      try {
        const clip = join(dir, "clip.ts");
        const made = await runProcess(native.ffmpegPath, [
          "-loglevel",
          "error",
          "-f",
          "lavfi",
          "-i",
          "testsrc=size=64x48:rate=10",
          "-t",
          "1",
          "-f",
          "mpegts",
          clip,
        ]);
        expect(made.exitCode).toBe(0);
        const probed = await runProcess(
          native.ffprobePath,
          ["-v", "error", "-of", "json", "-show_streams", clip],
          {
            collectStdout: true,
          },
        );
        expect(probed.signal).toBeNull();
        expect(probed.exitCode).toBe(0);
        const streams = JSON.parse(probed.stdout.toString("utf8")).streams as { width?: number }[];
        expect(streams.some((s) => s.width === 64)).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
