// The documented example: against a running local network (`npm start`), submit a generated
// test clip for a 3-rendition ladder and send an AI request; print outputs, fee, tickets, and
// the orchestrator's standing on the ledger.
//   bun scripts/example.ts [--url http://127.0.0.1:8787] [--key API_KEY]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { url: { type: "string" }, key: { type: "string" } } });
const base = (values.url ?? process.env.EDGE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`).replace(
  /\/+$/,
  "",
);
const headers: Record<string, string> = values.key ? { authorization: `Bearer ${values.key}` } : {};
const dir = mkdtempSync(join(tmpdir(), "lp-example-"));

async function ffmpeg(args: string[]) {
  const p = Bun.spawn(["ffmpeg", "-v", "error", "-y", ...args], { stderr: "inherit" });
  if ((await p.exited) !== 0) throw new Error(`ffmpeg ${args.join(" ")} failed`);
}

interface Job {
  id: string;
  status: string;
  orchestrator: string;
  fee: string;
  units: string;
  price: { pricePerUnit: string; pixelsPerUnit: string } | null;
  tickets: { count: number; faceValue: string; ev: string };
  engine: string;
  data?: unknown;
  error: unknown;
  timings: Record<string, number>;
  outputs: { name: string; width?: number; height?: number; size: number; url: string }[];
}

async function submit(path: string, form: FormData): Promise<Job> {
  const res = await fetch(`${base}${path}`, { method: "POST", body: form, headers });
  const body = (await res.json()) as Job & { detail?: string };
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

function show(title: string, job: Job) {
  console.log(`\n${title}: job ${job.id} ${job.status} on ${job.orchestrator} (${job.engine})`);
  console.log(
    `  units ${job.units} at ${job.price?.pricePerUnit}/${job.price?.pixelsPerUnit} wei → fee ${job.fee} wei`,
  );
  console.log(
    `  tickets ${job.tickets.count} (face value ${job.tickets.faceValue} wei, EV ${job.tickets.ev} wei)`,
  );
  console.log(`  took ${Math.round(job.timings.totalMs ?? 0)} ms`);
  for (const o of job.outputs) {
    console.log(
      `  output ${o.name}: ${o.width ?? "-"}x${o.height ?? "-"}, ${o.size} bytes → ${base}${o.url}`,
    );
  }
  if (job.data !== undefined) console.log(`  data ${JSON.stringify(job.data)}`);
}

try {
  const clip = join(dir, "clip.ts");
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=1280x720:rate=30",
    "-t",
    "2",
    "-c:v",
    "libx264",
    "-pix_fmt",
    "yuv420p",
    "-f",
    "mpegts",
    clip,
  ]);
  const form = new FormData();
  form.set("segment", new Blob([await Bun.file(clip).arrayBuffer()], { type: "video/mp2t" }), "clip.ts");
  form.set("profiles", JSON.stringify(["P144p30fps16x9", "P240p30fps16x9", "P360p30fps16x9"]));
  const ladder = await submit("/v1/transcode", form);
  show("Transcode (3-rendition ladder)", ladder);

  const png = join(dir, "orange.png");
  await ffmpeg(["-f", "lavfi", "-i", "color=c=red:size=48x48", "-frames:v", "1", png]);
  const ai = new FormData();
  ai.set("image", new Blob([await Bun.file(png).arrayBuffer()], { type: "image/png" }), "red.png");
  const classify = await submit("/v1/ai/image-to-text", ai);
  show("AI image-to-text (tiny colour classifier)", classify);

  const o = (await (
    await fetch(`${base}/v1/protocol/orchestrators/${ladder.orchestrator}`)
  ).json()) as Record<string, unknown>;
  console.log(`\nOrchestrator ${ladder.orchestrator} on the ledger:`);
  for (const k of [
    "totalStake",
    "feeShare",
    "rewardCut",
    "cumulativeFees",
    "pendingFees",
    "pendingStake",
    "lastRewardRound",
  ]) {
    console.log(`  ${k} ${o[k]}`);
  }
  console.log(
    "  (winning tickets are redeemed by the scheduler once their params expire; fees then show here)",
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
