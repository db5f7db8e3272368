import { runTool } from "./ffmpeg-tools.ts";

/** Every decoded video frame's size, read with ffprobe independently of the code under test. */
export async function probeFrames(path: string): Promise<{ width: number; height: number }[]> {
  const r = await runTool("ffprobe", [
    "-v",
    "error",
    "-select_streams",
    "v:0",
    "-show_frames",
    "-of",
    "json",
    path,
  ]);
  if (r.exitCode !== 0) throw new Error(`ffprobe failed: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as { frames?: { width?: number; height?: number }[] };
  return (json.frames ?? []).map((f) => ({ width: f.width ?? 0, height: f.height ?? 0 }));
}
