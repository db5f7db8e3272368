// The documented example: against a running local network (`npm start`), submit a generated
// test clip for a 3-rendition ladder and send an AI request; print outputs, fee, tickets, the
// gateway's credit balance at the orchestrator (GET /v1/orchestrator/balance: ticket EV credited
// minus fees debited), and the orchestrator's standing on the ledger.
//   bun scripts/example.ts [--url http://127.0.0.1:8787] [--key API_KEY]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCli } from "../src/cli/args.ts";
import { readEnv } from "../src/cli/env.ts";
import { EDGE_ENV } from "../src/edge/env.ts";
import { RUNNER_ENV } from "../src/node-runner/env.ts";
import { locateFfmpeg } from "../src/node-runner/ffmpeg/locate.ts";

const { values } = parseCli({
  entry: "example",
  usage: "npm run example -- [--url URL] [--key API_KEY]",
  summary: "Sends a generated clip through a 3-rendition ladder and an AI request to a running npm start.",
  options: { url: { type: "string" }, key: { type: "string" } },
  optionHelp: {
    url: "the edge (default EDGE_URL, else http://127.0.0.1:$PORT)",
    key: "API key, when required",
  },
  env: [EDGE_ENV, RUNNER_ENV],
});
const env = {
  ...readEnv({ PORT: EDGE_ENV.PORT }, process.env),
  ...readEnv({ EDGE_URL: RUNNER_ENV.EDGE_URL }, process.env),
};
const base = (values.url ?? env.EDGE_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/+$/, "");
const headers: Record<string, string> = values.key ? { authorization: `Bearer ${values.key}` } : {};
const dir = mkdtempSync(join(tmpdir(), "lp-example-"));

// The same FFmpeg the runner would use: system binary, then @ffmpeg-installer's static build.
const located = await locateFfmpeg({ sources: ["system", "ffmpeg-installer"] });
if (located?.kind !== "native") throw new Error("no native FFmpeg to generate the test clip");
const ffmpegPath = located.ffmpegPath;

async function ffmpeg(args: string[]) {
  const p = Bun.spawn([ffmpegPath, "-v", "error", "-y", ...args], { stderr: "inherit" });
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
  attempts: { orchestrator: string; status: string; fee: string; tickets: number; error: string | null }[];
  outputs: { name: string; width?: number; height?: number; size: number; url: string }[];
}

interface Balance {
  orchestrator: string;
  sender: string;
  balance: string;
  creditLimit: string;
}

async function balanceAt(orchestrator: string): Promise<Balance> {
  const res = await fetch(`${base}/v1/orchestrator/balance?orchestrator=${orchestrator}`, { headers });
  if (!res.ok) throw new Error(`/v1/orchestrator/balance: ${res.status} ${await res.text()}`);
  return (await res.json()) as Balance;
}

async function submit(path: string, form: FormData): Promise<Job> {
  const res = await fetch(`${base}${path}`, { method: "POST", body: form, headers });
  const body = (await res.json()) as Job & { detail?: string };
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  // The full record (attempts included) is GET /v1/jobs/{id}.
  const full = await fetch(`${base}/v1/jobs/${body.id}`, { headers });
  return full.ok ? ((await full.json()) as Job) : body;
}

async function show(title: string, job: Job, before: Balance) {
  console.log(`\n${title}: job ${job.id} ${job.status} on ${job.orchestrator} (${job.engine})`);
  for (const [i, a] of job.attempts.entries()) {
    console.log(
      `  attempt ${i + 1}: ${a.orchestrator} ${a.status}, ${a.tickets} ticket(s)${a.error ? ` (${a.error.split("\n")[0]})` : ""}`,
    );
  }
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
  const after = await balanceAt(job.orchestrator);
  const delta = BigInt(after.balance) - BigInt(before.balance);
  console.log(
    `  balance of sender ${after.sender} at the orchestrator: ${before.balance} → ${after.balance} wei (${delta >= 0n ? "+" : ""}${delta}: tickets' EV credited minus the fee; credit limit ${after.creditLimit})`,
  );
}

/** Balances at every orchestrator, so the one the job lands on has its "before". */
async function balancesNow(): Promise<Map<string, Balance>> {
  const { orchestrators } = (await (
    await fetch(`${base}/v1/protocol/orchestrators`, { headers })
  ).json()) as {
    orchestrators: { address: string; hosted: boolean }[];
  };
  const out = new Map<string, Balance>();
  for (const o of orchestrators) {
    if (!o.hosted) continue;
    const res = await fetch(`${base}/v1/orchestrator/balance?orchestrator=${o.address}`, { headers });
    if (res.ok) out.set(o.address.toLowerCase(), (await res.json()) as Balance);
  }
  return out;
}

const zero = (orchestrator: string): Balance => ({
  orchestrator,
  sender: "",
  balance: "0",
  creditLimit: "0",
});

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
  let before = await balancesNow();
  const ladder = await submit("/v1/transcode", form);
  await show(
    "Transcode (3-rendition ladder)",
    ladder,
    before.get(ladder.orchestrator.toLowerCase()) ?? zero(ladder.orchestrator),
  );

  const png = join(dir, "orange.png");
  await ffmpeg(["-f", "lavfi", "-i", "color=c=red:size=48x48", "-frames:v", "1", png]);
  const ai = new FormData();
  ai.set("image", new Blob([await Bun.file(png).arrayBuffer()], { type: "image/png" }), "red.png");
  before = await balancesNow();
  const classify = await submit("/v1/ai/image-to-text", ai);
  await show(
    "AI image-to-text (tiny colour classifier)",
    classify,
    before.get(classify.orchestrator.toLowerCase()) ?? zero(classify.orchestrator),
  );

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
