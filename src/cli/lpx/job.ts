import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { SingleBar } from "cli-progress";
import type { EdgeClient } from "./edge.ts";
import { CliError, usage } from "./errors.ts";
import type { Out } from "./reads.ts";
import { formatAmount } from "./units.ts";

// Submitting a job: multipart to /v1/transcode or /v1/ai/{pipeline} with ?async=true, then
// polling GET /v1/jobs/{id} with a progress bar until it settles.

interface Job {
  id: string;
  status: "pending" | "running" | "succeeded" | "failed";
  capability: string;
  orchestrator: string | null;
  fee: string | null;
  progress: number;
  error: { code: string; message: string } | null;
  outputs?: { name: string; url?: string; contentType?: string; size?: number }[];
  data?: unknown;
}

const TYPES: Record<string, string> = {
  ".ts": "video/mp2t",
  ".mp4": "video/mp4",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".wav": "audio/wav",
  ".mp3": "audio/mpeg",
};
const DEFAULT_PROFILES = ["P144p30fps16x9", "P240p30fps16x9", "P360p30fps16x9"];

export interface JobOptions {
  model?: string | undefined;
  profiles?: string | undefined;
  field?: string | undefined;
  interval: number;
}

export async function job(
  edge: EdgeClient,
  pos: readonly string[],
  o: JobOptions,
  json: boolean,
  out: Out,
  progressTo: NodeJS.WriteStream,
): Promise<void> {
  const [pipeline, file] = pos;
  if (pos.length !== 2 || !pipeline || !file) {
    throw usage(
      "usage: lpx job PIPELINE FILE [--model ID] [--profiles JSON] (PIPELINE: transcode or an AI pipeline)",
    );
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw usage(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const ext = extname(file).toLowerCase();
  const form = new FormData();
  const blob = new Blob([new Uint8Array(bytes)], { type: TYPES[ext] ?? "application/octet-stream" });
  let path: string;
  if (pipeline === "transcode") {
    form.set(o.field ?? "segment", blob, basename(file));
    form.set("profiles", o.profiles ?? JSON.stringify(DEFAULT_PROFILES));
    path = "/v1/transcode?async=true";
  } else {
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(pipeline)) throw usage(`"${pipeline}" is not a pipeline name`);
    const field = o.field ?? (ext === ".wav" || ext === ".mp3" ? "audio" : "image");
    form.set(field, blob, basename(file));
    if (o.model) form.set("model_id", o.model);
    path = `/v1/ai/${pipeline}?async=true`;
  }
  let current = (await edge.request<Job>(path, { method: "POST", body: form }, `${pipeline} job`)).body;
  const bar = new SingleBar({
    format: `${pipeline} ${current.id} [{bar}] {percentage}% {status}`,
    stream: progressTo,
    hideCursor: true,
    // Without a terminal (CI, pipes) the bar still prints, one line per update.
    noTTYOutput: true,
    notTTYSchedule: 1000,
  });
  if (!json) bar.start(100, 0, { status: current.status });
  while (current.status === "pending" || current.status === "running") {
    await new Promise((r) => setTimeout(r, o.interval));
    current = await edge.get<Job>(`/v1/jobs/${current.id}`);
    if (!json) bar.update(Math.round(current.progress * 100), { status: current.status });
  }
  if (!json) {
    bar.update(current.status === "succeeded" ? 100 : Math.round(current.progress * 100), {
      status: current.status,
    });
    bar.stop();
  }
  if (json) out(JSON.stringify(current, null, 2));
  if (current.status === "failed") {
    throw new CliError(
      `job ${current.id} failed: ${current.error?.code ?? "ERROR"}: ${current.error?.message ?? ""}`,
    );
  }
  if (json) return;
  out(
    `job ${current.id} succeeded on ${current.orchestrator ?? "?"} for ${current.fee ? formatAmount(current.fee, "ETH", 9) : "no fee"}`,
  );
  for (const output of current.outputs ?? []) {
    out(`  output ${output.name}: ${edge.base}/v1/jobs/${current.id}/outputs/${output.name}`);
  }
  if (current.data !== undefined) out(`  data ${JSON.stringify(current.data)}`);
}
