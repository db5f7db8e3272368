import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { count, eq } from "drizzle-orm";
import { consumerJobs } from "../../src/edge/db/schema/jobs.ts";
import { acceptedTickets } from "../../src/edge/db/schema/payments.ts";
import { DEFAULT_MNEMONIC, deriveAccounts } from "../../src/edge/ledger/genesis.ts";
import { ffprobe } from "../helpers/media.ts";
import { type LocalNetwork, makeClip, makePng, startNetwork } from "../helpers/network.ts";

// The whole job path with real processes: `src/main.ts` (edge, devnet, one node-runner child)
// on loopback; a consumer calls the gateway, which pays an orchestrator with tickets; the
// orchestrator queues the job for its runner (native FFmpeg, ONNX Runtime) and answers.

let net: LocalNetwork;
const sender = deriveAccounts(DEFAULT_MNEMONIC, 1)[0]!.address.toLowerCase();

beforeAll(async () => {
  net = await startNetwork({ RUNNERS: "1", BODY_LIMIT_BYTES: String(2 * 1024 * 1024) });
}, 180_000);
afterAll(async () => {
  await net?.stop();
}, 30_000);

interface JobJson {
  id: string;
  status: string;
  orchestrator: string;
  fee: string;
  tickets: { count: number; ev: string };
  data?: { text?: string; labels?: { label: string; score: number }[] };
  outputs: { name: string; width?: number; height?: number; url: string; contentType: string }[];
  error: unknown;
}

describe("consumer → gateway → orchestrator → runner", () => {
  test("a test clip comes back as renditions that ffprobe confirms, paid with accepted tickets", async () => {
    const clip = join(net.dataDir, "clip.ts");
    await makeClip(clip, { width: 640, height: 360, seconds: 2 });
    const form = new FormData();
    form.set("segment", new Blob([await Bun.file(clip).arrayBuffer()], { type: "video/mp2t" }), "clip.ts");
    form.set(
      "profiles",
      JSON.stringify([
        "P144p30fps16x9",
        "P240p30fps16x9",
        { name: "small", width: 320, height: 180, bitrate: 300000, fps: 30 },
      ]),
    );
    const res = await fetch(`${net.url}/v1/transcode`, { method: "POST", body: form });
    const job = (await res.json()) as JobJson;
    expect(res.status).toBe(200);
    expect(job.status).toBe("succeeded");
    expect(BigInt(job.fee)).toBeGreaterThan(0n);
    expect(job.tickets.count).toBeGreaterThanOrEqual(1);
    const want: Record<string, [number, number]> = {
      P144p30fps16x9: [256, 144],
      P240p30fps16x9: [426, 240],
      small: [320, 180],
    };
    expect(job.outputs.map((o) => o.name).sort()).toEqual(Object.keys(want).sort());
    for (const o of job.outputs) {
      const bytes = await (await fetch(`${net.url}${o.url}`)).arrayBuffer();
      const file = join(net.dataDir, `out-${o.name}.ts`);
      writeFileSync(file, new Uint8Array(bytes));
      const probe = await ffprobe(file);
      expect([probe.width, probe.height]).toEqual(want[o.name]!);
      expect(probe.durationSec).toBeGreaterThan(1.8);
      expect(probe.durationSec).toBeLessThan(2.3);
    }
    // GET /v1/jobs/{id} tells the same story.
    const again = (await (await fetch(`${net.url}/v1/jobs/${job.id}`)).json()) as JobJson;
    expect(again.status).toBe("succeeded");
    expect(again.fee).toBe(job.fee);
    // The orchestrator stored the gateway's tickets as accepted.
    const { db } = await net.db();
    const [row] = await db
      .select({ n: count() })
      .from(acceptedTickets)
      .where(eq(acceptedTickets.sender, sender));
    expect(row!.n).toBeGreaterThanOrEqual(job.tickets.count);
  });

  test("an AI request through the tiny classifier returns the right label; upscale doubles the image", async () => {
    const png = join(net.dataDir, "green.png");
    await makePng(png, "green");
    const form = new FormData();
    form.set("image", new Blob([await Bun.file(png).arrayBuffer()], { type: "image/png" }), "green.png");
    const res = await fetch(`${net.url}/v1/ai/image-to-text`, { method: "POST", body: form });
    const job = (await res.json()) as JobJson;
    expect(res.status).toBe(200);
    expect(job.data?.text).toBe("green");
    expect(job.tickets.count).toBeGreaterThanOrEqual(1);

    const up = new FormData();
    up.set("image", new Blob([await Bun.file(png).arrayBuffer()], { type: "image/png" }), "green.png");
    const r2 = (await (
      await fetch(`${net.url}/v1/ai/upscale`, { method: "POST", body: up })
    ).json()) as JobJson;
    expect(r2.status).toBe("succeeded");
    const out = r2.outputs[0]!;
    const bytes = new Uint8Array(await (await fetch(`${net.url}${out.url}`)).arrayBuffer());
    const dv = new DataView(bytes.buffer);
    expect([dv.getUint32(16), dv.getUint32(20)]).toEqual([64, 64]);
  });

  test("asynchronous on request: 202 with the job, then it completes", async () => {
    const png = join(net.dataDir, "blue.png");
    await makePng(png, "blue");
    const form = new FormData();
    form.set("image", new Blob([await Bun.file(png).arrayBuffer()], { type: "image/png" }), "blue.png");
    const res = await fetch(`${net.url}/v1/ai/image-to-text?async=true`, { method: "POST", body: form });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as JobJson;
    let job: JobJson | undefined;
    for (let i = 0; i < 200; i++) {
      job = (await (await fetch(`${net.url}/v1/jobs/${id}`)).json()) as JobJson;
      if (job.status === "succeeded" || job.status === "failed") break;
      await Bun.sleep(50);
    }
    expect(job?.status).toBe("succeeded");
    expect(job?.data?.text).toBe("blue");
  });

  test("bad input gets problem+json and creates no job", async () => {
    const { db } = await net.db();
    const jobsBefore = (await db.select({ n: count() }).from(consumerJobs))[0]!.n;
    const png = join(net.dataDir, "red.png");
    await makePng(png, "red");
    const clip = join(net.dataDir, "bad-case.ts");
    await makeClip(clip, { width: 160, height: 90, seconds: 1 });
    const post = async (path: string, fields: Record<string, Blob | string>) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      const r = await fetch(`${net.url}${path}`, { method: "POST", body: form });
      return {
        status: r.status,
        type: r.headers.get("content-type"),
        body: (await r.json()) as { code: string },
      };
    };
    const pngBlob = new Blob([await Bun.file(png).arrayBuffer()], { type: "image/png" });
    const clipBlob = new Blob([await Bun.file(clip).arrayBuffer()], { type: "video/mp2t" });
    const notVideo = await post("/v1/transcode", { segment: pngBlob, profiles: '["P144p30fps16x9"]' });
    expect([notVideo.status, notVideo.body.code]).toEqual([415, "NOT_VIDEO"]);
    expect(notVideo.type).toContain("application/problem+json");
    // MPEG-TS sync bytes but garbage inside: caught by ffprobe, not just the magic bytes.
    const fake = new Uint8Array(188 * 20).fill(0xff);
    for (let i = 0; i < fake.length; i += 188) fake[i] = 0x47;
    const garbage = await post("/v1/transcode", {
      segment: new Blob([fake]),
      profiles: '["P144p30fps16x9"]',
    });
    expect([garbage.status, garbage.body.code]).toEqual([415, "NOT_VIDEO"]);
    const preset = await post("/v1/transcode", { segment: clipBlob, profiles: '["P1080p999fps"]' });
    expect([preset.status, preset.body.code]).toEqual([400, "UNKNOWN_PRESET"]);
    const pipeline = await post("/v1/ai/make-coffee", { image: pngBlob });
    expect([pipeline.status, pipeline.body.code]).toEqual([404, "UNKNOWN_PIPELINE"]);
    const big = await post("/v1/transcode", {
      segment: new Blob([new Uint8Array(3 * 1024 * 1024)]),
      profiles: '["P144p30fps16x9"]',
    });
    expect([big.status, big.body.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    const jobsAfter = (await db.select({ n: count() }).from(consumerJobs))[0]!.n;
    expect(jobsAfter).toBe(jobsBefore);
  });
});
